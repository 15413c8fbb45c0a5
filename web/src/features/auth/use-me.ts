import { useQuery } from '@tanstack/react-query';
import { createContext, use } from 'react';
import type { Me } from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

/** Who is signed in (401 `unauthenticated` when nobody is). */
export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: api.me, staleTime: 30_000 });
}

export const MeContext = createContext<Me | null>(null);

/** The signed-in user, for components rendered inside <RequireAuth>. */
export function useSignedInUser(): Me {
  const me = use(MeContext);
  if (!me) throw new Error('useSignedInUser() must be used inside <RequireAuth>');
  return me;
}
