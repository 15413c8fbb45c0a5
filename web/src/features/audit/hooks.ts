import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { AuditAction } from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export function useAuditLog(wsId: string, action: AuditAction | null, actorId: string | null) {
  return useInfiniteQuery({
    queryKey: queryKeys.audit(wsId, action, actorId),
    queryFn: ({ pageParam }) => api.audit.list(wsId, { cursor: pageParam, action, actorId, limit: 50 }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

/** Active members, for the "who" filter (the first 100 by name: enough to pick from). */
export function useMemberOptions(wsId: string) {
  return useQuery({
    queryKey: queryKeys.memberOptions(wsId),
    queryFn: () => api.members.list(wsId, { limit: 100 }),
    select: (page) =>
      page.members
        .filter((m) => m.status === 'active' && m.userId)
        .map((m) => ({
          value: m.userId as string,
          label: m.name?.trim() ? `${m.name} (${m.email})` : m.email,
        })),
  });
}
