import { Alert, Stack, Text } from '@mantine/core';
import { IconClockHour4 } from '@tabler/icons-react';
import { formatDate } from '../../lib/dates.ts';
import { useAccount } from '../account/use-account.ts';

/** The person's own requests to join workspaces that still wait for a Super Admin (from their account). */
export function usePendingJoinRequests() {
  return useAccount().data?.joinRequests ?? [];
}

/** "Waiting for a Super Admin of X": one line a request, or nothing when none waits. */
export function PendingJoinRequests() {
  const requests = usePendingJoinRequests();
  if (requests.length === 0) return null;
  return (
    <Alert
      color="grape"
      variant="light"
      icon={<IconClockHour4 size={18} />}
      title={requests.length === 1 ? 'A request to join is waiting' : 'Requests to join are waiting'}
      mb="md"
      data-testid="pending-join-requests"
    >
      <Stack gap={4}>
        {requests.map((r) => (
          <Text key={r.id} size="sm" style={{ overflowWrap: 'anywhere' }}>
            {r.workspace.name}: asked on {formatDate(r.createdAt)}. A Super Admin will decide; you'll get a
            notification and an email.
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}
