import { Badge, type BadgeProps } from '@mantine/core';
import { type Role, roleLabels } from '../../../src/contract/index.ts';

const roleColors: Record<Role, string> = {
  super_admin: 'brand',
  developer: 'cyan',
  creator: 'teal',
  viewer: 'gray',
};

export function RoleBadge({ role, ...props }: { role: Role } & Omit<BadgeProps, 'children'>) {
  return (
    <Badge variant="light" color={roleColors[role]} tt="none" fw={600} {...props}>
      {roleLabels[role]}
    </Badge>
  );
}
