import { Anchor, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDate } from '../../lib/dates.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useWorkspace } from '../workspaces/hooks.ts';
import { useDecideJoinRequest } from './hooks.ts';

/**
 * Whether `expiresAt` has passed, turning true when it does (a page left open past it), by this
 * browser's clock. When it turns, `onLapse` runs: the caller re-reads the list, and the server (whose
 * clock decides) drops the request from it, or keeps it if this clock runs ahead.
 */
function useLapsed(expiresAt: string | number | null | undefined, onLapse: () => void): boolean {
  const at = expiresAt === null || expiresAt === undefined ? null : new Date(expiresAt).getTime();
  const [lapsed, setLapsed] = useState(() => at !== null && at <= Date.now());
  const lapse = useRef(onLapse);
  lapse.current = onLapse;
  useEffect(() => {
    if (at === null) return setLapsed(false);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const left = at - Date.now();
      if (left <= 0) {
        setLapsed(true);
        lapse.current();
        return;
      }
      setLapsed(false);
      // setTimeout holds at most 2^31-1 ms (24.8 days): further off, it waits again.
      timer = setTimeout(arm, Math.min(left, 2 ** 31 - 1));
    };
    arm();
    return () => clearTimeout(timer);
  }, [at]);
  return lapsed;
}

/**
 * Approve / Deny for a pending join request. Approving needs a free seat: without one the button
 * is disabled and says so, with the way to add seats, instead of failing with 409. A request that
 * lapsed (`expiresAt` passed while the page was open) can be neither: both are disabled, saying so.
 */
export function JoinRequestActions({
  workspaceId,
  requestId,
  who,
  expiresAt,
  size = 'xs',
  onDecided,
}: {
  workspaceId: string;
  requestId: string;
  who: string;
  /** When the request lapses (the members view has it). */
  expiresAt?: string | number | null;
  size?: 'xs' | 'compact-xs';
  onDecided?: () => void;
}) {
  const workspace = useWorkspace(workspaceId).data;
  const decide = useDecideJoinRequest(workspaceId);
  const queryClient = useQueryClient();
  const lapsed = useLapsed(expiresAt, () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.membersOf(workspaceId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
  });
  const full = !lapsed && (workspace ? workspace.seatsUsed >= workspace.seats : false);
  const run = (decision: 'approve' | 'deny') =>
    decide.mutate(
      { id: requestId, decision },
      {
        onSuccess: () => {
          onDecided?.();
          notifySuccess(
            decision === 'approve' ? 'Request approved' : 'Request denied',
            decision === 'approve' ? `${who} is a member now.` : `${who} has been told.`,
          );
        },
        onError: (error) => notifyError(error, `Couldn't ${decision} the request`),
      },
    );
  const pending = decide.isPending ? decide.variables?.decision : null;
  if (lapsed) {
    return (
      <Group gap={6} wrap="wrap" data-testid="join-request-actions">
        <Button size={size} leftSection={<IconCheck size={14} />} disabled data-disabled-reason="lapsed">
          Approve
        </Button>
        <Button size={size} variant="default" leftSection={<IconX size={14} />} disabled>
          Deny
        </Button>
        <Text size="xs" c="dimmed" data-testid="join-request-lapsed">
          This request lapsed on {formatDate(expiresAt)}: they can ask again with the invite link.
        </Text>
      </Group>
    );
  }
  return (
    <Group gap={6} wrap="wrap" data-testid="join-request-actions">
      <Tooltip
        label="No free seat: add seats in Billing to approve"
        disabled={!full}
        withArrow
        events={{ hover: true, focus: true, touch: true }}
      >
        <Button
          size={size}
          leftSection={<IconCheck size={14} />}
          onClick={() => run('approve')}
          loading={pending === 'approve'}
          disabled={full || decide.isPending}
          data-disabled-reason={full ? 'no-seats' : undefined}
        >
          Approve
        </Button>
      </Tooltip>
      <Button
        size={size}
        variant="default"
        leftSection={<IconX size={14} />}
        onClick={() => run('deny')}
        loading={pending === 'deny'}
        disabled={decide.isPending}
      >
        Deny
      </Button>
      {full ? (
        <Text size="xs" c="orange.8">
          All seats are taken.{' '}
          <Anchor component={Link} to={`/w/${workspaceId}/billing`} size="xs">
            Add seats
          </Anchor>
        </Text>
      ) : null}
    </Group>
  );
}
