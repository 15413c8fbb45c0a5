import { Button, EmptyState, Group, Paper, SegmentedControl, Skeleton, Stack } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconBell } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { useMarkRead, useNotifications } from './hooks.ts';
import { NotificationItem } from './notification-item.tsx';

/** All of the caller's notifications (every workspace), newest first, live. */
export function NotificationsPage() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Notifications · ${workspace.name} · Troupe`);
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const list = useNotifications(filter === 'unread');
  const markRead = useMarkRead();
  const notes = list.data?.pages.flatMap((p) => p.notifications) ?? [];
  const unread = list.data?.pages[0]?.unread ?? 0;

  return (
    <>
      <PageHeader
        title="Notifications"
        description="Join requests, decisions, accepted invitations, things shared with you and seat limits, as they happen."
        actions={
          <Button
            variant="default"
            disabled={unread === 0}
            loading={markRead.isPending}
            onClick={() => markRead.mutate({ all: true })}
          >
            Mark all read
          </Button>
        }
      />
      <Group mb="md">
        <SegmentedControl
          value={filter}
          onChange={(v) => setFilter(v === 'unread' ? 'unread' : 'all')}
          data={[
            { value: 'all', label: 'All' },
            { value: 'unread', label: `Unread (${unread})` },
          ]}
        />
      </Group>
      {list.isPending ? (
        <Paper withBorder p="md">
          <Stack>
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} height={40} />
            ))}
          </Stack>
        </Paper>
      ) : list.isError ? (
        <Paper withBorder>
          <ErrorState
            error={list.error}
            title="We couldn't load your notifications"
            onRetry={() => void list.refetch()}
          />
        </Paper>
      ) : notes.length === 0 ? (
        <Paper withBorder p={{ base: 'lg', sm: 48 }}>
          <EmptyState
            variant="light"
            icon={<IconBell size={26} stroke={1.6} />}
            title="You're all caught up"
            description="New notifications arrive here live, without reloading the page."
          />
        </Paper>
      ) : (
        <Paper withBorder px="md" py="xs">
          <Stack gap={0}>
            {notes.map((n) => (
              <NotificationItem key={n.id} note={n} />
            ))}
          </Stack>
        </Paper>
      )}
      {list.hasNextPage ? (
        <Group justify="center" mt="lg">
          <Button
            variant="default"
            loading={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            Load more
          </Button>
        </Group>
      ) : null}
    </>
  );
}
