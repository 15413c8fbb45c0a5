import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A value in a code box with a copy button (keys, commands). */
export function CopyField({
  value,
  label = 'Copy',
  testId,
}: {
  value: string;
  label?: string;
  testId?: string;
}) {
  return (
    <Group
      gap="xs"
      wrap="nowrap"
      align="flex-start"
      p="xs"
      style={{
        borderRadius: 'var(--mantine-radius-md)',
        border: '1px solid light-dark(var(--mantine-color-gray-3), var(--mantine-color-dark-4))',
        background: 'light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-6))',
      }}
    >
      <Code
        block
        data-testid={testId}
        style={{
          flex: 1,
          minWidth: 0,
          background: 'transparent',
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
        }}
        p={4}
      >
        {value}
      </Code>
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : label} withArrow position="left" openDelay={0}>
            <ActionIcon
              color={copied ? 'teal' : 'gray'}
              variant="subtle"
              onClick={copy}
              aria-label={copied ? 'Copied' : label}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
