/**
 * The one place an audit entry becomes words (issue 11): "Ann changed bob@example.com's role from
 * Viewer to Creator", "Ann turned on Require approval". The web app's audit log shows these
 * sentences; src/contract/audit-words.test.ts holds every action kind to a sentence without raw
 * field names, ids, arrows or JSON. Shared (contract/) so any client can say the same.
 */
import type { AuditAction, AuditEvent } from './audit.ts';
import { type Role, roleLabels, roles } from './roles.ts';

export type AuditEntryText = Pick<AuditEvent, 'action' | 'actor' | 'target' | 'before' | 'after'>;

export interface WordOptions {
  /** IANA time zone for dates (default: the runtime's). */
  timeZone?: string;
}

type Fields = Record<string, unknown>;
const fields = (v: unknown): Fields =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : {};

/** The server labels people "Name <email>": the name leads; a bare label is used as it is. */
export function personName(label: string): string {
  const match = /^(.*\S)\s*<([^<>]+)>$/.exec(label);
  return match ? (match[1] as string) : label;
}

const isRole = (v: unknown): v is Role => typeof v === 'string' && (roles as readonly string[]).includes(v);
const role = (v: unknown) => (isRole(v) ? roleLabels[v] : 'an unknown role');
const quoted = (v: unknown) => `“${typeof v === 'string' && v !== '' ? v : 'untitled'}”`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const possessive = (who: string) => (who.endsWith('s') ? `${who}’` : `${who}’s`);

function date(v: unknown, opts: WordOptions): string {
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) return 'an unknown date';
  return new Date(ms).toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: opts.timeZone,
  });
}

function bytes(v: unknown): string {
  const n = typeof v === 'number' ? v : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return 'an unknown size';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let size = n;
  let unit = 0;
  while (size >= 1000 && unit < units.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return unit === 0 ? plural(n, 'byte') : `${size.toFixed(size < 10 ? 1 : 0)} ${units[unit]}`;
}

const kindWords: Record<string, string> = {
  folder: 'folder',
  draft: 'draft',
  video: 'video',
  avatar: 'avatar',
  voice: 'voice',
};
const kind = (v: unknown) => (typeof v === 'string' ? (kindWords[v] ?? 'item') : 'item');

const permissionWords: Record<string, string> = { view: 'view', edit: 'edit' };
const permission = (v: unknown) => (typeof v === 'string' ? (permissionWords[v] ?? 'some') : 'some');

function generalAccess(access: unknown, level: unknown): string {
  switch (access) {
    case 'only_me':
      return 'only its owner';
    case 'selected':
      return 'only the people added';
    case 'workspace':
      return `anyone in the workspace (can ${permission(level)})`;
    default:
      return 'an unknown setting';
  }
}

/** "a, b and c". */
function list(parts: string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** A field of `workspace.update` in words (keys as stored: snake_case or camelCase). */
function workspaceChange(key: string, before: unknown, after: unknown): string {
  switch (key) {
    case 'name':
      return `renamed the workspace from ${quoted(before)} to ${quoted(after)}`;
    case 'require_approval':
    case 'requireApproval':
      return after === 1 || after === true
        ? 'turned on Require approval (people who join by link must be approved)'
        : 'turned off Require approval (people who join by link are in at once)';
    case 'company_domain':
    case 'companyDomain':
      if (after === null || after === undefined || after === '')
        return before ? `removed the company domain ${before}` : 'removed the company domain';
      return before
        ? `changed the company domain from ${before} to ${after}`
        : `set the company domain to ${after}`;
    default:
      return 'changed a workspace setting';
  }
}

function inviteLinkChange(key: string, before: unknown, after: unknown, opts: WordOptions): string {
  switch (key) {
    case 'enabled':
      return after ? 'turned the invite link on' : 'turned the invite link off';
    case 'role':
      return `changed the role people get from the invite link from ${role(before)} to ${role(after)}`;
    case 'expiresAt':
      return after === null || after === undefined
        ? 'made the invite link never expire'
        : `set the invite link to expire on ${date(after, opts)}`;
    case 'maxUses':
      return after === null || after === undefined
        ? 'removed the invite link’s limit on uses'
        : `limited the invite link to ${plural(Number(after), 'use')}`;
    default:
      return 'changed the invite link';
  }
}

/**
 * Why a key was revoked when not by hand (`after.reason`, written by app/members): its owner lost
 * API access with a new role, was removed, left, or deleted their account. A key revoked by hand
 * has no reason.
 */
function keyRevokedBecause(a: Fields): string {
  const owner = typeof a.ownerEmail === 'string' && a.ownerEmail !== '' ? a.ownerEmail : 'its owner';
  switch (a.reason) {
    case 'role_change':
      return ` by changing ${possessive(owner)} role to ${role(a.role)}, which has no API access`;
    case 'member_remove':
      return ` by removing ${owner} from the workspace`;
    case 'member_leave':
      return ' by leaving the workspace';
    case 'account_delete':
      return ' by deleting their account';
    default:
      return '';
  }
}

function changedKeys(before: Fields, after: Fields): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}

/** What happened, in one sentence starting with who did it. */
export function describeAuditEntry(entry: AuditEntryText, opts: WordOptions = {}): string {
  const who = personName(entry.actor.label) || 'Someone';
  const target = entry.target.label;
  const b = fields(entry.before);
  const a = fields(entry.after);
  const action: AuditAction = entry.action;
  switch (action) {
    case 'workspace.create':
      return `${who} created the workspace ${quoted(a.name ?? target)}${
        typeof a.seats === 'number' ? ` with ${plural(a.seats, 'seat')}` : ''
      }`;
    case 'workspace.update': {
      const keys = changedKeys(b, a);
      if (keys.length === 0) return `${who} saved the workspace settings without changes`;
      return `${who} ${list(keys.map((k) => workspaceChange(k, b[k], a[k])))}`;
    }
    case 'account.delete':
      return `${who} deleted their account and so left the workspace${
        b.role ? ` (they were ${role(b.role)})` : ''
      }`;
    case 'invitation.create':
      return `${who} invited ${target} as ${role(a.role)}`;
    case 'invitation.resend': {
      const roleChanged = b.role !== undefined && a.role !== undefined && b.role !== a.role;
      return `${who} sent ${target} a new invitation${
        roleChanged ? `, now as ${role(a.role)} instead of ${role(b.role)}` : ''
      }${a.expiresAt ? `; it expires on ${date(a.expiresAt, opts)}` : ''}`;
    }
    case 'invitation.revoke':
      return `${who} revoked the invitation of ${target}${b.role ? ` as ${role(b.role)}` : ''}`;
    case 'invitation.accept':
      return `${who} accepted the invitation and joined as ${role(a.role)}${
        a.emailVerified ? ', which verified their email address' : ''
      }`;
    case 'member.role_change':
      return `${who} changed ${possessive(target)} role from ${role(b.role)} to ${role(a.role)}`;
    case 'member.remove':
      return `${who} removed ${target}${b.role ? ` (${role(b.role)})` : ''} from the workspace`;
    case 'member.leave':
      return `${who} left the workspace${b.role ? ` (they were ${role(b.role)})` : ''}`;
    case 'items.hand_over': {
      const n = typeof a.items === 'number' ? a.items : 0;
      const from = typeof b.ownerEmail === 'string' ? b.ownerEmail : 'a former member';
      return `${plural(n, 'item')} owned by ${from} passed to ${target}`;
    }
    case 'seats.change':
      return `${who} changed the number of seats from ${b.seats ?? 'unknown'} to ${a.seats ?? 'unknown'}`;
    case 'api_key.create':
      return `${who} created the API key ${target}${
        a.expiresAt ? `, expiring on ${date(a.expiresAt, opts)}` : ', which never expires'
      }`;
    case 'api_key.revoke':
      return `${who} revoked the API key ${target}${keyRevokedBecause(a)}`;
    case 'item.access_change':
      return `${who} changed who can open ${quoted(target)} from ${generalAccess(
        b.generalAccess,
        b.workspacePermission,
      )} to ${generalAccess(a.generalAccess, a.workspacePermission)}`;
    case 'item.grant': {
      const [title = target, email] = target.split(' → ');
      const grantee = typeof a.email === 'string' ? a.email : (email ?? 'someone');
      return b.permission
        ? `${who} changed ${possessive(grantee)} access to ${quoted(title)} from ${permission(
            b.permission,
          )} to ${permission(a.permission)}`
        : `${who} gave ${grantee} ${permission(a.permission)} access to ${quoted(title)}`;
    }
    case 'item.grant_remove':
      return `${who} removed ${
        typeof b.email === 'string' ? possessive(b.email) : 'someone’s'
      } access to ${quoted(target)}`;
    case 'invite_link.update': {
      const keys = changedKeys(b, a);
      if (keys.length === 0) return `${who} saved the invite link without changes`;
      return `${who} ${list(keys.map((k) => inviteLinkChange(k, b[k], a[k], opts)))}`;
    }
    case 'invite_link.rotate':
      return `${who} made a new invite link; the old one${
        typeof b.uses === 'number' ? `, used ${plural(b.uses, 'time')},` : ''
      } stopped working`;
    case 'invite_link.join':
      return `${who} joined with the invite link as ${role(a.role)}`;
    case 'join_request.create':
      return `${who} asked to join as ${role(a.role)}`;
    case 'join_request.approve':
      return `${who} approved ${possessive(target)} request to join as ${role(a.role)}`;
    case 'join_request.deny':
      return `${who} denied ${possessive(target)} request to join`;
    case 'share_page.publish':
      return `${who} published ${quoted(target)} to the web`;
    case 'share_page.unpublish':
      return `${who} unpublished ${quoted(target)}: its public link stopped working`;
    case 'share_page.password':
      if (!b.hasPassword) return `${who} set a password on the Share Page of ${quoted(target)}`;
      if (!a.hasPassword) return `${who} removed the password of the Share Page of ${quoted(target)}`;
      return `${who} changed the password of the Share Page of ${quoted(target)}`;
    case 'share_page.settings': {
      const parts: string[] = [];
      if (a.allowDownload !== undefined && a.allowDownload !== b.allowDownload)
        parts.push(a.allowDownload ? 'turned downloads on' : 'turned downloads off');
      if (a.expiresAt !== b.expiresAt)
        parts.push(
          a.expiresAt
            ? `set the public link to expire on ${date(a.expiresAt, opts)}`
            : 'made the public link never expire',
        );
      if (parts.length === 0) return `${who} saved the Share Page of ${quoted(target)} without changes`;
      return `${who} ${list(parts)} for ${quoted(target)}`;
    }
    case 'item.create':
      return `${who} created the ${kind(a.kind)} ${quoted(target)}`;
    case 'item.rename':
      return `${who} renamed ${quoted(b.title)} to ${quoted(a.title)}`;
    case 'item.move':
      return a.parentId === null || a.parentId === undefined
        ? `${who} moved ${quoted(target)} to the top of the library`
        : `${who} moved ${quoted(target)} into ${a.folder ? `the folder ${quoted(a.folder)}` : 'another folder'}`;
    case 'item.trash':
      return `${who} moved the ${kind(a.kind)} ${quoted(target)} to the trash`;
    case 'item.restore':
      return `${who} restored the ${kind(a.kind)} ${quoted(target)} from the trash`;
    case 'item.purge':
      return `${who} deleted the ${kind(b.kind)} ${quoted(target)} for good${
        typeof b.trashDays === 'number' ? `, after ${plural(b.trashDays, 'day')} in the trash` : ''
      }`;
    case 'video.upload':
      return `${who} uploaded ${typeof a.filename === 'string' && a.filename ? a.filename : 'a video file'}${
        a.size !== undefined ? ` (${bytes(a.size)})` : ''
      } to ${quoted(target)}`;
    case 'video.poster':
      return `${who} changed the poster of ${quoted(target)}`;
    case 'caption.create':
      return `${who} added ${a.label ? `${a.label} ` : ''}captions to ${quoted(target)}`;
    case 'caption.update':
      return `${who} edited the ${b.label ? `${b.label} ` : ''}captions of ${quoted(target)}${
        a.label && a.label !== b.label ? ` (now called ${a.label})` : ''
      }`;
    case 'caption.delete':
      return `${who} deleted the ${b.label ? `${b.label} ` : ''}captions of ${quoted(target)}`;
    case 'suggestion.dismiss':
      return `${who} stopped suggesting ${target} as someone to invite`;
  }
}

/** Each audit action as a short name, for the filter ("Changed a role"). */
export const auditActionNames: Record<AuditAction, string> = {
  'workspace.create': 'Created the workspace',
  'workspace.update': 'Changed the settings',
  'account.delete': 'Deleted their account',
  'invitation.create': 'Invited someone',
  'invitation.resend': 'Resent an invitation',
  'invitation.revoke': 'Revoked an invitation',
  'invitation.accept': 'Accepted an invitation',
  'member.role_change': 'Changed a role',
  'member.remove': 'Removed a member',
  'member.leave': 'Left the workspace',
  'items.hand_over': 'Handed over items',
  'seats.change': 'Changed the seats',
  'api_key.create': 'Created an API key',
  'api_key.revoke': 'Revoked an API key',
  'item.access_change': 'Changed general access',
  'item.grant': 'Shared an item',
  'item.grant_remove': 'Removed someone from an item',
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
  'item.create': 'Created an item',
  'item.rename': 'Renamed an item',
  'item.move': 'Moved an item',
  'item.trash': 'Moved an item to the trash',
  'item.restore': 'Restored an item from the trash',
  'item.purge': 'Deleted an item for good',
  'video.upload': 'Uploaded a video',
  'video.poster': 'Changed a poster',
  'caption.create': 'Added captions',
  'caption.update': 'Edited captions',
  'caption.delete': 'Deleted captions',
  'suggestion.dismiss': 'Dismissed a suggestion',
};
