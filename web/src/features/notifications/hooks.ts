import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MarkReadBody, Notification } from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

/** The caller's notifications, newest first, 30 a page, with the unread count on every page. */
export function useNotifications(unreadOnly = false) {
  return useInfiniteQuery({
    queryKey: queryKeys.notificationList(unreadOnly),
    queryFn: ({ pageParam }) => api.notifications.list({ cursor: pageParam, unread: unreadOnly }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MarkReadBody) => api.notifications.markRead(body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
}

/**
 * Keeps the bell and every view a notification touches current without a reload: one
 * EventSource on the notifications stream for the signed-in app. The browser reconnects by
 * itself, sending Last-Event-ID, and the server replays what was missed.
 */
export function useNotificationStream(onSignedOut: () => void) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(api.notifications.streamUrl, { withCredentials: true });
    source.addEventListener('notification', (event) => {
      let note: Notification;
      try {
        note = JSON.parse((event as MessageEvent<string>).data) as Notification;
      } catch {
        return;
      }
      void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
      const ws = note.workspaceId;
      switch (note.kind) {
        case 'join_request':
        case 'invitation_accepted':
          void queryClient.invalidateQueries({ queryKey: queryKeys.membersOf(ws) });
          void queryClient.invalidateQueries({ queryKey: queryKeys.workspace(ws) });
          break;
        case 'join_request_approved':
          void queryClient.invalidateQueries({ queryKey: queryKeys.me });
          void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
          // The account lists the requests still waiting.
          void queryClient.invalidateQueries({ queryKey: queryKeys.account });
          break;
        case 'join_request_denied':
          void queryClient.invalidateQueries({ queryKey: queryKeys.account });
          break;
        case 'seat_limit_reached':
          void queryClient.invalidateQueries({ queryKey: queryKeys.workspace(ws) });
          break;
        case 'item_shared':
          void queryClient.invalidateQueries({ queryKey: queryKeys.items });
          break;
        default:
          break;
      }
    });
    source.onerror = () => {
      // CLOSED: the server refused the stream (signed out); a network drop reconnects by itself.
      if (source.readyState === EventSource.CLOSED) onSignedOut();
    };
    return () => source.close();
  }, [queryClient, onSignedOut]);
}
