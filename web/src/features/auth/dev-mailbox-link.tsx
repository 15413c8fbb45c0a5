import { Anchor, Group, Text } from '@mantine/core';
import { IconExternalLink, IconMailCode } from '@tabler/icons-react';
import { DEV_MAILBOX_URL } from '../../lib/api.ts';
import { useDevMailbox } from './hooks.ts';

/** A small link to the server's development mailbox; renders nothing in production. */
export function DevMailboxLink() {
  const available = useDevMailbox();
  if (!available) return null;
  return (
    <Group gap={6} justify="center" mt="md">
      <IconMailCode size={16} color="var(--mantine-color-dimmed)" />
      <Text size="sm" c="dimmed">
        Developing locally?{' '}
        {/* Underlined: a link inside a sentence is told apart by more than its colour (axe-core). */}
        <Anchor href={DEV_MAILBOX_URL} target="_blank" rel="noreferrer" size="sm" underline="always">
          Open dev mailbox <IconExternalLink size={12} style={{ verticalAlign: 'middle' }} />
        </Anchor>
      </Text>
    </Group>
  );
}
