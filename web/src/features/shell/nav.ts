import {
  IconBell,
  IconCreditCard,
  IconHistory,
  IconKey,
  IconSettings,
  IconTrash,
  IconUsers,
  IconVideo,
} from '@tabler/icons-react';
import type { Role } from '../../../../src/contract/index.ts';

/** Who may open a section: everyone in the workspace, or only these roles (SPEC §3). */
type Audience = 'everyone' | readonly Role[];

export interface NavSection {
  path: string;
  label: string;
  icon: typeof IconUsers;
  audience: Audience;
  group: 'workspace' | 'admin';
}

/** The workspace's pages, in navbar order. The server enforces the same rules (403). */
export const navSections: readonly NavSection[] = [
  { path: 'members', label: 'Members', icon: IconUsers, audience: 'everyone', group: 'workspace' },
  { path: 'library', label: 'Library', icon: IconVideo, audience: 'everyone', group: 'workspace' },
  { path: 'trash', label: 'Trash', icon: IconTrash, audience: 'everyone', group: 'workspace' },
  { path: 'notifications', label: 'Notifications', icon: IconBell, audience: 'everyone', group: 'workspace' },
  {
    path: 'api-keys',
    label: 'API keys',
    icon: IconKey,
    audience: ['super_admin', 'developer'],
    group: 'workspace',
  },
  { path: 'billing', label: 'Billing', icon: IconCreditCard, audience: ['super_admin'], group: 'admin' },
  { path: 'audit', label: 'Audit log', icon: IconHistory, audience: ['super_admin'], group: 'admin' },
  { path: 'settings', label: 'Settings', icon: IconSettings, audience: ['super_admin'], group: 'admin' },
];

export function canOpenSection(section: NavSection, role: Role | undefined): boolean {
  if (section.audience === 'everyone') return true;
  return role !== undefined && section.audience.includes(role);
}

export function findSection(path: string | undefined): NavSection | undefined {
  return navSections.find((s) => s.path === path);
}
