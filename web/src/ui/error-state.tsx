import { Button, EmptyState } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api.ts';

export function ErrorState({
  error,
  title = "We couldn't load this",
  onRetry,
  children,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  return (
    <EmptyState
      py={64}
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={26} stroke={1.6} />}
      title={title}
      description={errorMessage(error)}
      role="alert"
    >
      {onRetry || children ? (
        <EmptyState.Actions>
          {onRetry ? (
            <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={onRetry}>
              Try again
            </Button>
          ) : null}
          {children}
        </EmptyState.Actions>
      ) : null}
    </EmptyState>
  );
}
