import { Badge, EmptyState, List, Paper, Text, ThemeIcon } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** A tasteful placeholder for a part of the product that is on its way: what will be here, and why. */
export function ComingSoon({
  icon,
  title,
  description,
  bullets,
}: {
  icon: ReactNode;
  title: string;
  description: ReactNode;
  bullets: string[];
}) {
  return (
    <Paper withBorder p={{ base: 'lg', sm: 48 }}>
      <EmptyState size="lg" variant="light" icon={icon} title={title} description={description}>
        <Badge variant="dot" color="brand" size="lg" tt="none" fw={500}>
          Coming soon
        </Badge>
        <List
          mt="lg"
          spacing={8}
          size="sm"
          ta="left"
          icon={
            <ThemeIcon size={20} radius="xl" variant="light">
              <IconCheck size={13} stroke={2.5} />
            </ThemeIcon>
          }
        >
          {bullets.map((b) => (
            <List.Item key={b}>
              <Text size="sm" c="dimmed" span>
                {b}
              </Text>
            </List.Item>
          ))}
        </List>
      </EmptyState>
    </Paper>
  );
}
