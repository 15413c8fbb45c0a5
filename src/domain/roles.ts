import { type Role, roleLabels, roles } from '../contract/roles.ts';

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

/** What a capability lets one do, as a refusal says it. */
const doing: Record<Capability, string> = {
  'members:manage': 'manage members, invitations and join requests',
  'workspace:settings': 'change the workspace’s settings and invite link',
  'billing:manage': 'manage seats and billing',
  'audit:view': 'read the audit log',
  'content:create': 'create items',
  'api:access': 'use the API and API keys',
  'content:view': 'open items',
  'content:edit': 'edit items',
};

/**
 * Why a role may not do something, in words a person reads in the app ("Only Super Admins can
 * manage seats and billing; you are a Viewer."): who may, from the matrix, and the caller's role
 * (which may have changed since their page loaded).
 */
export function refusalFor(role: Role, capability: Capability): string {
  const may = roles.filter((r) => matrix[capability][r]).map((r) => `${roleLabels[r]}s`);
  const who = may.length > 1 ? `${may.slice(0, -1).join(', ')} and ${may.at(-1)}` : (may[0] ?? 'nobody');
  return `Only ${who} can ${doing[capability]}; you are a ${roleLabels[role]}.`;
}
