import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export function useBilling(wsId: string) {
  return useQuery({ queryKey: queryKeys.billing(wsId), queryFn: () => api.billing.get(wsId) });
}

/** Sets the new total; the built-in provider approves at once and the purchase is recorded. */
export function useSetSeats(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (seats: number) => api.billing.setSeats(wsId, seats),
    onSuccess: (billing) => {
      queryClient.setQueryData(queryKeys.billing(wsId), billing);
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspace(wsId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
      void queryClient.invalidateQueries({ queryKey: queryKeys.membersOf(wsId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditOf(wsId) });
    },
  });
}
