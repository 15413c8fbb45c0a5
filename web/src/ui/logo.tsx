import { Group, Text } from '@mantine/core';
import { useId } from 'react';

/** The Troupe mark: a play button on a violet-to-pink tile, with a "cast member" dot. */
export function LogoMark({ size = 28 }: { size?: number }) {
  const gradientId = useId();
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#7c5cff" />
          <stop offset="1" stopColor="#e0478f" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${gradientId})`} />
      <path
        d="M12.5 9.8v12.4a1 1 0 0 0 1.5.86l10.2-6.2a1 1 0 0 0 0-1.72L14 8.94a1 1 0 0 0-1.5.86z"
        fill="#fff"
      />
      <circle cx="8.5" cy="16" r="2" fill="#fff" fillOpacity=".7" />
    </svg>
  );
}

export function Logo({ size = 28, inverted = false }: { size?: number; inverted?: boolean }) {
  return (
    <Group gap={8} wrap="nowrap" aria-label="Troupe">
      <LogoMark size={size} />
      <Text
        component="span"
        fw={750}
        fz={size * 0.72}
        lh={1}
        c={inverted ? 'white' : undefined}
        style={{ letterSpacing: '-0.02em' }}
        aria-hidden="true"
      >
        Troupe
      </Text>
    </Group>
  );
}
