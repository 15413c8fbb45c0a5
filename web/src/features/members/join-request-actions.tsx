import { Anchor, Button, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { useWorkspace } from '../workspaces/hooks.ts';
import { useDecideJoinRequest } from './hooks.ts';

/**
 * Approve / Deny for a pending join request. Approving needs a free seat: without one the button
 * is disabled and says so, with the way to add seats, instead of failing with 409.
 */
export function JoinRequestActions({
  workspaceId,
  requestId,
  who,
  size = 'xs',
  onDecided,
}: {
  workspaceId: string;
  requestId: string;
  who: string;
  size?: 'xs' | 'compact-xs';
  onDecided?: () => void;
}) {
  const workspace = useWorkspace(workspaceId).data;
  const decide = useDecideJoinRequest(workspaceId);
  const full = workspace ? workspace.seatsUsed >= workspace.seats : false;
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
