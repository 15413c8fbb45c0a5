import { Group, Progress, Stack, Text } from '@mantine/core';

export function seatsLabel(seatsUsed: number, seats: number): string {
  return `${seatsUsed} of ${seats} seat${seats === 1 ? '' : 's'} used`;
}

/** "2 of 5 seats used" with a bar that turns orange when the workspace is full. */
export function SeatsMeter({
  seats,
  seatsUsed,
  width = 160,
}: {
  seats: number;
  seatsUsed: number;
  width?: number | string;
}) {
  const pct = seats > 0 ? Math.min(100, (seatsUsed / seats) * 100) : 100;
  const full = seatsUsed >= seats;
  return (
    <Stack gap={6} w={width}>
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" c="dimmed">
          {seatsLabel(seatsUsed, seats)}
        </Text>
      </Group>
      <Progress value={pct} size="sm" radius="xl" color={full ? 'orange' : 'brand'} aria-hidden="true" />
    </Stack>
  );
}
