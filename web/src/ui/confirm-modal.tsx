import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api.ts';
import { AppModal } from './app-modal.tsx';

/**
 * "Are you sure?": a title, what will happen, and a confirm button. The error of a failed attempt
 * is shown inside the dialog (e.g. the server's `last_admin` detail), so the person can read it.
 */
export function ConfirmModal({
  opened,
  onClose,
  title,
  children,
  confirmLabel,
  color = 'red',
  loading = false,
  error,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  loading?: boolean;
  error?: unknown;
  onConfirm: () => void;
}) {
  return (
    <AppModal
      opened={opened}
      onClose={() => {
        if (!loading) onClose();
      }}
      title={<Text fw={650}>{title}</Text>}
      size="md"
    >
      <Stack gap="lg">
        <div>{children}</div>
        {error ? (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Cancel
          </Button>
          <Button color={color} onClick={onConfirm} loading={loading} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </AppModal>
  );
}
