import { Avatar, type AvatarProps } from '@mantine/core';

/** A workspace's initials on a colour derived from its name. */
export function WorkspaceAvatar({ name, ...props }: { name: string } & AvatarProps) {
  return <Avatar name={name} color="initials" radius="md" variant="filled" {...props} />;
}
