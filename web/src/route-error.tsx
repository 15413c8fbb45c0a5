import { Button, Center } from '@mantine/core';
import { useRouteError } from 'react-router-dom';
import { ErrorState } from './ui/error-state.tsx';

/** Last line of defence: a render error shows a way out instead of a blank page. */
export function RouteError({ inline = false }: { inline?: boolean }) {
  const error = useRouteError();
  const body = (
    <ErrorState
      error={error}
      title="Something went wrong on this page"
      onRetry={() => window.location.reload()}
    >
      <Button variant="subtle" component="a" href="/">
        Go home
      </Button>
    </ErrorState>
  );
  return inline ? body : <Center mih="100vh">{body}</Center>;
}
