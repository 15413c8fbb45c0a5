import { Avatar, Badge, Group, Text, Title } from '@mantine/core';

/** Shown wherever a Viewer's access is capped. */
export const VIEWERS_NOTE = 'Viewers can only view';

export function SectionTitle({ children, count }: { children: string; count?: number }) {
  return (
    <Group gap={6} mb={6}>
      <Title order={3} fz="sm" fw={650}>
        {children}
      </Title>
      {count !== undefined ? (
        <Text size="sm" c="dimmed">
          {count}
        </Text>
      ) : null}
    </Group>
  );
}

export function PersonLabel({
  name,
  email,
  you,
  extra,
}: {
  name: string;
  email: string;
  you: boolean;
  extra?: string;
}) {
  return (
    <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
      <Avatar name={name} color="initials" size={34} radius="xl" />
      <div style={{ minWidth: 0 }}>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} truncate="end">
            {name}
          </Text>
          {you ? (
            <Badge size="xs" variant="outline" color="gray" tt="none" style={{ flex: 'none' }}>
              You
            </Badge>
          ) : null}
        </Group>
        <Text size="xs" c="dimmed" truncate="end">
          {email}
          {extra ? ` · ${extra}` : ''}
        </Text>
      </div>
    </Group>
  );
}
