import type { Role } from '../contract/roles.ts';

/** Everything a role may or may not do in a workspace (SPEC §3). A misspelt capability fails to compile. */
export type Capability =
  | 'members:manage'
  | 'workspace:settings'
  | 'billing:manage'
  | 'audit:view'
  | 'content:create'
  | 'api:access'
  | 'content:view'
  | 'content:edit';

const matrix: Record<Capability, Record<Role, boolean>> = {
  'members:manage': { super_admin: true, developer: false, creator: false, viewer: false },
  'workspace:settings': { super_admin: true, developer: false, creator: false, viewer: false },
  'billing:manage': { super_admin: true, developer: false, creator: false, viewer: false },
  'audit:view': { super_admin: true, developer: false, creator: false, viewer: false },
  'content:create': { super_admin: true, developer: true, creator: true, viewer: false },
  'api:access': { super_admin: true, developer: true, creator: false, viewer: false },
  'content:view': { super_admin: true, developer: true, creator: true, viewer: true },
  'content:edit': { super_admin: true, developer: true, creator: true, viewer: false },
};

export function can(role: Role, capability: Capability): boolean {
  return matrix[capability][role];
}

export const capabilities = Object.keys(matrix) as Capability[];
