import { ThemeIcon, type ThemeIconProps } from '@mantine/core';
import {
  IconFileText,
  IconFolderFilled,
  IconMicrophone,
  IconMovie,
  IconUserSquareRounded,
} from '@tabler/icons-react';
import type { ItemKind } from '../../../../src/contract/index.ts';

export const kindLabels: Record<ItemKind, string> = {
  folder: 'Folder',
  draft: 'Draft',
  video: 'Video',
  avatar: 'Avatar',
  voice: 'Voice',
};

const kindIcons: Record<ItemKind, typeof IconFileText> = {
  folder: IconFolderFilled,
  draft: IconFileText,
  video: IconMovie,
  avatar: IconUserSquareRounded,
  voice: IconMicrophone,
};

const kindColors: Record<ItemKind, string> = {
  folder: 'yellow',
  draft: 'blue',
  video: 'brand',
  avatar: 'teal',
  voice: 'pink',
};

/** The "New" menu's order: a folder first, then content. */
export const newItemKinds: readonly ItemKind[] = ['folder', 'draft', 'video', 'avatar', 'voice'];

/** A kind's icon in a tinted square; `aria-label`led so the kind is announced with the title. */
export function KindIcon({
  kind,
  size = 34,
  ...props
}: { kind: ItemKind; size?: number } & Omit<ThemeIconProps, 'children' | 'size' | 'color'>) {
  const Icon = kindIcons[kind];
  return (
    <ThemeIcon
      variant="light"
      color={kindColors[kind]}
      size={size}
      radius="md"
      role="img"
      aria-label={kindLabels[kind]}
      style={{ flex: 'none' }}
      {...props}
    >
      <Icon size={Math.round(size * 0.56)} stroke={1.7} />
    </ThemeIcon>
  );
}

/** Just the glyph, for menus. */
export function KindGlyph({ kind, size = 16 }: { kind: ItemKind; size?: number }) {
  const Icon = kindIcons[kind];
  return <Icon size={size} stroke={1.7} color={`var(--mantine-color-${kindColors[kind]}-6)`} />;
}
