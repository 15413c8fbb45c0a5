import { Avatar, type AvatarProps } from '@mantine/core';

/** Dark enough that white initials read at WCAG AA (Mantine's "initials" palette includes yellow and lime). */
const colors = [
  'brand.8',
  'blue.8',
  'teal.9',
  'grape.8',
  'indigo.8',
  'pink.8',
  'violet.8',
  'cyan.9',
  'red.8',
];

function colorFor(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return colors[hash % colors.length] as string;
}

/** A workspace's initials on a colour derived from its name. */
export function WorkspaceAvatar({ name, ...props }: { name: string } & AvatarProps) {
  return <Avatar name={name} color={colorFor(name)} radius="md" variant="filled" {...props} />;
}
