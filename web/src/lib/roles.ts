import { type Role, roleLabels, roles } from '../../../src/contract/index.ts';

/** What each role may do (SPEC §3), in a line. */
export const roleDescriptions: Record<Role, string> = {
  super_admin: 'Manages members, billing and settings; full access to everything',
  developer: 'Creates content and uses the API',
  creator: 'Creates folders, drafts and videos',
  viewer: 'Views what is shared with them',
};

/** `data` for a Mantine Select of roles, most powerful first. */
export const roleOptions = roles.map((role) => ({ value: role, label: roleLabels[role] }));

export function isRole(value: string | null): value is Role {
  return value !== null && (roles as readonly string[]).includes(value);
}

/** SPEC §3: everyone but Viewers creates content (folders, drafts, videos, avatars, voices). */
export function canCreateContent(role: Role | undefined): boolean {
  return role !== undefined && role !== 'viewer';
}
