import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

/** The signed-in person's account (`GET /api/account`): the account page, and their waiting join requests. */
export function useAccount() {
  return useQuery({ queryKey: queryKeys.account, queryFn: api.account.get });
}
