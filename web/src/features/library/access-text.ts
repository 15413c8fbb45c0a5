import type { AccessReason, GeneralAccess, Permission } from '../../../../src/contract/index.ts';

/** "Can edit" / "Can view": the caller's (or a person's) effective permission. */
export const permissionLabels: Record<Permission, string> = { edit: 'Can edit', view: 'Can view' };

export const permissionOptions = [
  { value: 'view', label: 'Can view' },
  { value: 'edit', label: 'Can edit' },
];

export function isPermission(value: string | null): value is Permission {
  return value === 'view' || value === 'edit';
}

export function isGeneralAccess(value: string | null): value is GeneralAccess {
  return value === 'only_me' || value === 'selected' || value === 'workspace';
}

export function generalAccessLabel(access: GeneralAccess, workspaceName: string): string {
  if (access === 'only_me') return 'Only me';
  if (access === 'selected') return 'Only people added';
  return `Anyone in ${workspaceName}`;
}

/** One reason someone has access, in words ("From folder Campaign"). */
export function reasonText(reason: AccessReason): string {
  const folder = reason.folder?.title ?? 'a folder';
  switch (reason.kind) {
    case 'owner':
      return 'Owner';
    case 'super_admin':
      return 'Super Admin';
    case 'direct':
      return 'Added directly';
    case 'inherited':
      return `From folder ${folder}`;
    case 'folder_owner':
      return `Owner of folder ${folder}`;
    case 'workspace':
      return reason.folder ? `Anyone in the workspace · from folder ${folder}` : 'Anyone in the workspace';
  }
}

/**
 * Every reason, joined. When the reasons grant different levels, each says which
 * ("Added directly (can view), From folder Campaign (can edit)").
 */
export function reasonsText(reasons: readonly AccessReason[]): string {
  const mixed = new Set(reasons.map((r) => r.permission)).size > 1;
  return reasons
    .map((r) =>
      mixed ? `${reasonText(r)} (${permissionLabels[r.permission].toLowerCase()})` : reasonText(r),
    )
    .join(', ');
}
