import { Button, Center } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { ApiError } from '../../lib/api.ts';
import { signInPathFor } from '../../lib/safe-next.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { FullPageLoader } from '../../ui/full-page-loader.tsx';
import { MeContext, useMe } from './use-me.ts';

/** Guards the signed-in app: signed-out visitors go to `/sign-in?next=<where they were going>`. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();

  if (me.error instanceof ApiError && me.error.isUnauthenticated) {
    return <Navigate to={signInPathFor(location)} replace />;
  }
  if (me.isError && !me.data) {
    return (
      <Center mih="100vh">
        <ErrorState error={me.error} title="We couldn't reach Troupe" onRetry={() => void me.refetch()}>
          <Button variant="subtle" component="a" href="/sign-in">
            Go to sign in
          </Button>
        </ErrorState>
      </Center>
    );
  }
  if (!me.data) return <FullPageLoader />;
  return (
    <MeContext value={me.data}>
      <Outlet />
    </MeContext>
  );
}
