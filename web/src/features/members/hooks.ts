import { type QueryClient, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { Role } from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export const MEMBERS_PAGE_SIZE = 50;

/** The members view, 50 rows a page, searched by name or email. */
export function useMembers(wsId: string, q: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.members(wsId, q),
    queryFn: ({ pageParam }) => api.members.list(wsId, { q, cursor: pageParam, limit: MEMBERS_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

/** After a change to who is in the workspace: the list, the seat counts, the audit log, my roles. */
function refreshMembership(queryClient: QueryClient, wsId: string) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.membersOf(wsId) });
  void queryClient.invalidateQueries({ queryKey: queryKeys.workspace(wsId) });
  void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
  void queryClient.invalidateQueries({ queryKey: queryKeys.billing(wsId) });
  void queryClient.invalidateQueries({ queryKey: queryKeys.auditOf(wsId) });
}

export function useChangeRole(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => api.members.setRole(wsId, userId, role),
    onSuccess: () => {
      refreshMembership(queryClient, wsId);
      // My own role may have changed: the navbar and switcher read it from /api/me.
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

export function useRemoveMember(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.members.remove(wsId, userId),
    onSuccess: () => refreshMembership(queryClient, wsId),
  });
}

/** Leaving: the caller navigates away first, then the caches forget the workspace. */
export function useLeaveWorkspace(wsId: string) {
  return useMutation({
    mutationFn: (userId: string) => api.members.remove(wsId, userId),
  });
}

export function useInvite(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { emails: string; role: Role }) => api.invitations.create(wsId, body),
    onSuccess: () => refreshMembership(queryClient, wsId),
  });
}

export function useResendInvitation(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.invitations.resend(wsId, id),
    onSuccess: () => refreshMembership(queryClient, wsId),
  });
}

export function useRevokeInvitation(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.invitations.revoke(wsId, id),
    onSuccess: () => refreshMembership(queryClient, wsId),
  });
}

/** Approve or deny a join request (from the members view or a notification). */
export function useDecideJoinRequest(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'deny' }) =>
      decision === 'approve' ? api.joinRequests.approve(wsId, id) : api.joinRequests.deny(wsId, id),
    onSettled: () => {
      refreshMembership(queryClient, wsId);
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
    },
  });
}

export function useSuggestions(wsId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: queryKeys.suggestions(wsId),
    queryFn: ({ pageParam }) => api.suggestions.list(wsId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

export function useDismissSuggestion(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.suggestions.dismiss(wsId, userId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.suggestions(wsId) }),
  });
}
