import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { queryKeys } from './query-keys.ts';
import { isStale } from './stale.ts';

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // A session that expired mid-use: re-check who we are; the auth guard then sends the
      // browser to the sign-in page (and back here afterwards).
      if (error instanceof ApiError && error.isUnauthenticated && query.queryKey[0] !== queryKeys.me[0]) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      }
    },
  }),
  mutationCache: new MutationCache({
    // An action on something that changed meanwhile (accepted, revoked, removed elsewhere): whatever
    // the screen shows is out of date, so every list refetches. The component says so in words.
    onError: (error) => {
      if (isStale(error)) void queryClient.invalidateQueries();
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
