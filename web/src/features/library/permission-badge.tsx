import { Badge, type BadgeProps } from '@mantine/core';
import type { Permission } from '../../../../src/contract/index.ts';
import { permissionLabels } from './access-text.ts';

/** "Can edit" / "Can view": the caller's permission on an item. */
export function PermissionBadge({
  permission,
  ...props
}: { permission: Permission } & Omit<BadgeProps, 'children' | 'color'>) {
  return (
    <Badge
      variant="light"
      color={permission === 'edit' ? 'teal' : 'gray'}
      tt="none"
      fw={600}
      data-testid="permission-badge"
      {...props}
    >
      {permissionLabels[permission]}
    </Badge>
  );
}
