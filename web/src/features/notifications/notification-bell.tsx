import {
  ActionIcon,
  Anchor,
  Button,
  Divider,
  Group,
  Indicator,
  Popover,
  ScrollArea,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBell } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import { queryKeys } from '../../lib/query-keys.ts';
import { useMarkRead, useNotificationStream, useNotifications } from './hooks.ts';
import { NotificationItem } from './notification-item.tsx';

/** The bell in the app shell: unread count, live; the latest notifications with their actions. */
export function NotificationBell({ workspaceId }: { workspaceId: string | null }) {
  const queryClient = useQueryClient();
  const [opened, panel] = useDisclosure(false);
  const list = useNotifications();
  const markRead = useMarkRead();
  const onSignedOut = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
    [queryClient],
  );
  useNotificationStream(onSignedOut);
  const unread = list.data?.pages[0]?.unread ?? 0;
  const notes = list.data?.pages[0]?.notifications.slice(0, 8) ?? [];

  // The popover's target is the button itself (its aria-haspopup/expanded belong on a button, not
  // on the badge's wrapper); the unread badge wraps the whole popover.
  return (
    <Indicator
      label={unread > 99 ? '99+' : unread}
      size={18}
      offset={6}
      disabled={unread === 0}
      color="red"
      data-testid="notification-count"
      data-count={unread}
    >
      <Popover
        opened={opened}
        onChange={panel.toggle}
        position="bottom-end"
        width={360}
        shadow="md"
        withinPortal
      >
        <Popover.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            onClick={panel.toggle}
            aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
            data-testid="notification-bell"
          >
            <IconBell size={20} stroke={1.7} />
          </ActionIcon>
        </Popover.Target>
        <Popover.Dropdown p={0} maw="calc(100vw - 16px)" data-testid="notification-panel">
          <Group justify="space-between" px="md" py="sm" wrap="nowrap">
            <Text fw={650} size="sm">
              Notifications
            </Text>
            <Button
              size="compact-xs"
              variant="subtle"
              disabled={unread === 0}
              loading={markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
            >
              Mark all read
            </Button>
          </Group>
          <Divider />
          <ScrollArea.Autosize
            mah={420}
            type="auto"
            scrollbars="y"
            viewportProps={{ tabIndex: 0, role: 'region', 'aria-label': 'Latest notifications' }}
          >
            <Stack gap={0} px="md">
              {list.isPending ? (
                <Text size="sm" c="dimmed" py="md">
                  Loading…
                </Text>
              ) : notes.length === 0 ? (
                <Text size="sm" c="dimmed" py="md" data-testid="notifications-empty">
                  You're all caught up.
                </Text>
              ) : (
                notes.map((n) => <NotificationItem key={n.id} note={n} onNavigate={panel.close} />)
              )}
            </Stack>
          </ScrollArea.Autosize>
          {workspaceId ? (
            <>
              <Divider />
              <Group justify="center" py="xs">
                <Anchor
                  component={Link}
                  to={`/w/${workspaceId}/notifications`}
                  size="sm"
                  onClick={panel.close}
                >
                  See all notifications
                </Anchor>
              </Group>
            </>
          ) : null}
        </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}
