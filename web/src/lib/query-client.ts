import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { queryKeys } from './query-keys.ts';
import { isStale } from './stale.ts';

/**
 * A 403: what the page offered was refused, most often because the person's role changed since it
 * loaded (also for an item's own access, which reading the role again does not change: three small
 * reads spent). `me`, `workspaces` and a workspace never answer a session 403, so this cannot loop.
 */
const isRoleChanged = (error: unknown) => error instanceof ApiError && error.code === 'forbidden';

/** Reads who we are and our workspaces again: the role badge and the controls a role is offered. */
export function refreshRole(): void {
  void queryClient.invalidateQueries({ queryKey: queryKeys.me });
  void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
  void queryClient.invalidateQueries({ queryKey: queryKeys.everyWorkspace });
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // A session that expired mid-use: re-check who we are; the auth guard then sends the
      // browser to the sign-in page (and back here afterwards).
      if (error instanceof ApiError && error.isUnauthenticated && query.queryKey[0] !== queryKeys.me[0]) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      }
      // Refused what the page offered: the caller's role changed since it loaded. Who we are and
      // our workspaces are read again (the role badge, the admin controls); not the refused query
      // itself, which would only be refused again.
      if (isRoleChanged(error)) refreshRole();
    },
  }),
  mutationCache: new MutationCache({
    // An action on something that changed meanwhile (accepted, revoked, removed elsewhere): whatever
    // the screen shows is out of date, so every list refetches. The component says so in words.
    onError: (error) => {
      if (isStale(error)) void queryClient.invalidateQueries();
      else if (isRoleChanged(error)) refreshRole();
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Coming back to the tab shows the current state (an invitee accepted, a seat was taken),
      // however recently the list was fetched.
      refetchOnWindowFocus: 'always',
      // Client errors (401, 403, 404, ...) will not fix themselves; network and 5xx might.
      retry: (failures, error) => {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
        return failures < 2;
      },
    },
    mutations: { retry: false },
  },
});
