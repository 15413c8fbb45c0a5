import { ActionIcon, Anchor, Badge, Box, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCircleFilled } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Notification } from '../../../../src/contract/index.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { useSignedInUser } from '../auth/use-me.ts';
import { JoinRequestActions } from '../members/join-request-actions.tsx';
import { describeNotification } from './describe.tsx';
import { useMarkRead } from './hooks.ts';

const requestStatusLabels = {
  approved: { label: 'Approved', color: 'teal' },
  denied: { label: 'Denied', color: 'gray' },
  expired: { label: 'Expired', color: 'orange' },
} as const;

/** One notification: what happened, when, its action inline (approve/deny, open), mark read. */
export function NotificationItem({ note, onNavigate }: { note: Notification; onNavigate?: () => void }) {
  const me = useSignedInUser();
  const markRead = useMarkRead();
  const { text, href } = describeNotification(note);
  const read = () => {
    if (!note.read) markRead.mutate({ ids: [note.id] });
  };
  const isAdminThere = me.workspaces.some((w) => w.id === note.workspaceId && w.role === 'super_admin');

  let action = null;
  if (note.kind === 'join_request') {
    const status = note.data.requestStatus;
    action =
      status === 'pending' ? (
        isAdminThere ? (
          <JoinRequestActions
            workspaceId={note.workspaceId}
            requestId={note.data.joinRequestId}
            who={note.data.requester.name}
            expiresAt={note.data.requestExpiresAt}
            size="compact-xs"
            onDecided={read}
          />
        ) : (
          <Text size="xs" c="dimmed">
            Only Super Admins of {note.data.workspace.name} can approve it.
          </Text>
        )
      ) : (
        <Badge size="sm" variant="light" tt="none" color={requestStatusLabels[status].color}>
          {requestStatusLabels[status].label}
        </Badge>
      );
  } else if (href && (note.kind !== 'seat_limit_reached' || isAdminThere)) {
    action = (
      <Anchor
        component={Link}
        to={href}
        size="xs"
        fw={600}
        onClick={() => {
          read();
          onNavigate?.();
        }}
      >
        {note.kind === 'item_shared' ? 'Open' : note.kind === 'seat_limit_reached' ? 'Add seats' : 'View'}
      </Anchor>
    );
  }

  return (
    <Group
      gap="sm"
      wrap="nowrap"
      align="flex-start"
      py="xs"
      data-testid="notification"
      data-kind={note.kind}
      data-read={note.read}
    >
      <Box w={10} pt={6} style={{ flex: 'none' }}>
        {note.read ? null : (
          <Tooltip label="Mark as read" withArrow>
            <ActionIcon
              size={10}
              variant="transparent"
              color="brand"
              aria-label="Mark as read"
              onClick={read}
            >
              <IconCircleFilled size={8} />
            </ActionIcon>
          </Tooltip>
        )}
      </Box>
      <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }} fw={note.read ? 400 : 500}>
          {text}
        </Text>
        <Text size="xs" c="dimmed">
          {formatDateTime(note.createdAt)}
        </Text>
        {action}
      </Stack>
    </Group>
  );
}
