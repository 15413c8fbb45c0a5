import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PageHeader({
  title,
  description,
  actions,
  icon,
  badge,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  /** Shown before the title (e.g. a folder's icon). */
  icon?: ReactNode;
  /** Shown after the title, on its line (e.g. "Can edit"). */
  badge?: ReactNode;
}) {
  const heading = (
    <Stack gap={4} style={{ minWidth: 0 }}>
      <Group gap="sm" wrap="nowrap">
        <Title order={2} fz={26} style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        {badge ? <div style={{ flex: 'none' }}>{badge}</div> : null}
      </Group>
      {description ? (
        <Text c="dimmed" size="sm" maw={640}>
          {description}
        </Text>
      ) : null}
    </Stack>
  );
  return (
    <Group justify="space-between" align="flex-end" gap="md" mb="xl" wrap="wrap">
      {icon ? (
        <Group gap="md" wrap="nowrap" align="center" style={{ minWidth: 0 }}>
          {icon}
          {heading}
        </Group>
      ) : (
        heading
      )}
      {actions ? <Group gap="sm">{actions}</Group> : null}
    </Group>
  );
}
