import { type AuditAction, auditActions, roleLabels } from '../../../../src/contract/index.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { isRole } from '../../lib/roles.ts';

/** Each audit action in words, as a past-tense phrase ("Changed a role"). */
export const auditActionLabels: Record<AuditAction, string> = {
  'invitation.create': 'Invited someone',
  'invitation.resend': 'Resent an invitation',
  'invitation.revoke': 'Revoked an invitation',
  'invitation.accept': 'Accepted an invitation',
  'member.role_change': 'Changed a role',
  'member.remove': 'Removed a member',
  'member.leave': 'Left the workspace',
  'seats.change': 'Changed the seats',
  'api_key.create': 'Created an API key',
  'api_key.revoke': 'Revoked an API key',
  'workspace.update': 'Updated the settings',
  'item.access_change': 'Changed general access',
  'item.grant': 'Shared an item',
  'item.grant_remove': 'Removed someone from an item',
  'items.hand_over': 'Handed over items',
  'item.trash': 'Moved an item to the trash',
  'item.restore': 'Restored an item from the trash',
  'item.purge': 'Deleted an item for good',
  'invite_link.update': 'Changed the invite link',
  'invite_link.rotate': 'Made a new invite link',
  'invite_link.join': 'Joined with the invite link',
  'join_request.create': 'Asked to join',
  'join_request.approve': 'Approved a join request',
  'join_request.deny': 'Denied a join request',
  'share_page.publish': 'Published a video to the web',
  'share_page.unpublish': 'Unpublished a video',
  'share_page.password': 'Changed a video’s password',
  'share_page.settings': 'Changed a Share Page',
};

export const auditActionOptions = auditActions.map((a) => ({ value: a, label: auditActionLabels[a] }));

export function isAuditAction(value: string | null): value is AuditAction {
  return value !== null && (auditActions as readonly string[]).includes(value);
}

export function actionColor(action: AuditAction): string {
  if (action.endsWith('.revoke') || action === 'member.remove' || action === 'member.leave') return 'red';
  if (action.startsWith('invitation.') || action.startsWith('invite_link.')) return 'blue';
  if (action === 'join_request.deny') return 'orange';
  if (action.startsWith('join_request.')) return 'violet';
  if (action.startsWith('api_key.')) return 'cyan';
  if (action === 'seats.change') return 'teal';
  if (action === 'item.grant_remove' || action === 'item.trash') return 'orange';
  if (action === 'item.purge') return 'red';
  if (action === 'share_page.unpublish') return 'orange';
  if (action.startsWith('item.') || action.startsWith('items.') || action.startsWith('share_page.'))
    return 'grape';
  return 'brand';
}

/** `expiresAt` -> "Expires", `requireApproval` -> "Require approval". */
function fieldLabel(key: string): string {
  const words = key
    .replace(/At$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

function formatValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (key === 'role' && typeof value === 'string' && isRole(value)) return roleLabels[value];
  if (typeof value === 'string' && key in accessValueLabels) return accessValueLabels[key]?.[value] ?? value;
  if (/At$/.test(key) && (typeof value === 'number' || typeof value === 'string')) {
    return formatDateTime(value) || String(value);
  }
  if (typeof value === 'boolean') return value ? 'On' : 'Off';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Sharing values in words (audit entries of items). */
const accessValueLabels: Record<string, Record<string, string>> = {
  generalAccess: { only_me: 'Only me', selected: 'Only people added', workspace: 'Anyone in the workspace' },
  workspacePermission: { view: 'Can view', edit: 'Can edit' },
  permission: { view: 'Can view', edit: 'Can edit' },
};

export interface FieldChange {
  key: string;
  label: string;
  before: string | null;
  after: string | null;
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** The fields an event changed: "Role: Viewer → Creator" (either side may be missing). */
export function describeChange(before: unknown, after: unknown): FieldChange[] {
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b && !a) {
    if (before === null && after === null) return [];
    return [
      {
        key: 'value',
        label: 'Value',
        before: before === null || before === undefined ? null : formatValue('', before),
        after: after === null || after === undefined ? null : formatValue('', after),
      },
    ];
  }
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  return keys.map((key) => ({
    key,
    label: fieldLabel(key),
    before: b && key in b ? formatValue(key, b[key]) : null,
    after: a && key in a ? formatValue(key, a[key]) : null,
  }));
}

/** The server labels people "Name <email>": split it so the name can lead. */
export function splitPersonLabel(label: string): { name: string; email: string | null } {
  const match = /^(.*\S)\s*<([^<>]+)>$/.exec(label);
  return match ? { name: match[1] as string, email: match[2] as string } : { name: label, email: null };
}
