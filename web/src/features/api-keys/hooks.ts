import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export function useApiKeys(wsId: string) {
  return useQuery({ queryKey: queryKeys.apiKeys(wsId), queryFn: () => api.apiKeys.list(wsId) });
}

export function useCreateApiKey(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; expiresInDays: number | null }) => api.apiKeys.create(wsId, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(wsId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditOf(wsId) });
    },
  });
}

export function useRevokeApiKey(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => api.apiKeys.revoke(wsId, keyId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys(wsId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditOf(wsId) });
    },
  });
}
