import { describe, expect, it } from 'vitest';
import { type AuditAction, auditActions } from './audit.ts';
import { type AuditEntryText, auditActionNames, describeAuditEntry, personName } from './audit-words.ts';

const actor = { id: 'u1', label: 'Alice Smith <alice@example.com>' };
const at = '2026-03-04T10:00:00.000Z';

/** One entry of every kind, shaped as the use case that writes it records it. */
const samples: Record<AuditAction, Omit<AuditEntryText, 'action' | 'actor'>> = {
  'workspace.create': {
    target: { type: 'workspace', id: 'w1', label: 'Studio' },
    before: null,
    after: { name: 'Studio', seats: 5 },
  },
  'workspace.update': {
    target: { type: 'workspace', id: 'w1', label: 'Studio' },
    before: { require_approval: 0, name: 'Studio' },
    after: { require_approval: 1, name: 'Studio B' },
  },
  'account.delete': {
    target: { type: 'user', id: 'u1', label: 'alice@example.com' },
    before: { role: 'developer' },
    after: null,
  },
  'invitation.create': {
    target: { type: 'invitation', id: 'i1', label: 'bob@example.com' },
    before: null,
    after: { role: 'creator' },
  },
  'invitation.resend': {
    target: { type: 'invitation', id: 'i1', label: 'bob@example.com' },
    before: { role: 'viewer', expiresAt: at },
    after: { role: 'creator', expiresAt: at },
  },
  'invitation.revoke': {
    target: { type: 'invitation', id: 'i1', label: 'bob@example.com' },
    before: { role: 'viewer' },
    after: null,
  },
  'invitation.accept': {
    target: { type: 'invitation', id: 'i1', label: 'alice@example.com' },
    before: null,
    after: { role: 'viewer', emailVerified: true },
  },
  'member.role_change': {
    target: { type: 'user', id: 'u2', label: 'bob@example.com' },
    before: { role: 'viewer' },
    after: { role: 'creator' },
  },
  'member.remove': {
    target: { type: 'user', id: 'u2', label: 'bob@example.com' },
    before: { role: 'viewer' },
    after: null,
  },
  'member.leave': {
    target: { type: 'user', id: 'u1', label: 'alice@example.com' },
    before: { role: 'creator' },
    after: null,
  },
  'items.hand_over': {
    target: { type: 'user', id: 'u3', label: 'carol@example.com' },
    before: { ownerId: 'u2', ownerEmail: 'bob@example.com' },
    after: { ownerId: 'u3', items: 3 },
  },
  'seats.change': {
    target: { type: 'workspace', id: 'w1', label: 'Studio' },
    before: { seats: 5 },
    after: { seats: 8 },
  },
  'api_key.create': {
    target: { type: 'api_key', id: 'k1', label: 'CI (trp_abc…)' },
    before: null,
    after: { name: 'CI', expiresAt: null },
  },
  'api_key.revoke': {
    target: { type: 'api_key', id: 'k1', label: 'CI (trp_abc…)' },
    before: null,
    after: null,
  },
  'item.access_change': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: { generalAccess: 'selected', workspacePermission: 'view' },
    after: { generalAccess: 'workspace', workspacePermission: 'edit' },
  },
  'item.grant': {
    target: { type: 'item', id: 'it1', label: 'Plans → bob@example.com' },
    before: null,
    after: { userId: 'u2', email: 'bob@example.com', permission: 'edit' },
  },
  'item.grant_remove': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: { userId: 'u2', email: 'bob@example.com' },
    after: null,
  },
  'invite_link.update': {
    target: { type: 'invite_link', id: 'w1', label: 'Invite link' },
    before: { enabled: true, role: 'viewer', maxUses: null },
    after: { enabled: false, role: 'creator', maxUses: 10 },
  },
  'invite_link.rotate': {
    target: { type: 'invite_link', id: 'w1', label: 'Invite link' },
    before: { uses: 4 },
    after: null,
  },
  'invite_link.join': {
    target: { type: 'member', id: 'u1', label: 'alice@example.com' },
    before: null,
    after: { role: 'viewer' },
  },
  'join_request.create': {
    target: { type: 'join_request', id: 'j1', label: 'alice@example.com' },
    before: null,
    after: { role: 'viewer', via: 'invite_link' },
  },
  'join_request.approve': {
    target: { type: 'join_request', id: 'j1', label: 'bob@example.com' },
    before: null,
    after: { role: 'viewer' },
  },
  'join_request.deny': {
    target: { type: 'join_request', id: 'j1', label: 'bob@example.com' },
    before: { role: 'viewer' },
    after: null,
  },
  'share_page.publish': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: null,
    after: null,
  },
  'share_page.unpublish': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: null,
    after: null,
  },
  'share_page.password': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: { hasPassword: false },
    after: { hasPassword: true },
  },
  'share_page.settings': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: { allowDownload: false, expiresAt: null },
    after: { allowDownload: true, expiresAt: at },
  },
  'item.create': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: null,
    after: { kind: 'folder', parentId: null },
  },
  'item.rename': {
    target: { type: 'item', id: 'it1', label: 'New plans' },
    before: { title: 'Plans' },
    after: { title: 'New plans' },
  },
  'item.move': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: { parentId: null },
    after: { parentId: 'f1', folder: 'Archive' },
  },
  'item.trash': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: null,
    after: { kind: 'draft' },
  },
  'item.restore': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: null,
    after: { kind: 'folder' },
  },
  'item.purge': {
    target: { type: 'item', id: 'it1', label: 'Plans' },
    before: { kind: 'video', trashed: true },
    after: null,
  },
  'video.upload': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: null,
    after: { filename: 'launch.mp4', size: 12_345_678 },
  },
  'video.poster': { target: { type: 'item', id: 'v1', label: 'Launch film' }, before: null, after: null },
  'caption.create': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: null,
    after: { language: 'en', label: 'English' },
  },
  'caption.update': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: { language: 'en', label: 'English' },
    after: { language: 'en', label: 'English (UK)' },
  },
  'caption.delete': {
    target: { type: 'item', id: 'v1', label: 'Launch film' },
    before: { language: 'en', label: 'English' },
    after: null,
  },
  'suggestion.dismiss': {
    target: { type: 'user', id: 'u9', label: 'dan@example.com' },
    before: null,
    after: null,
  },
};

const words = (action: AuditAction, over: Partial<AuditEntryText> = {}) =>
  describeAuditEntry({ action, actor, ...samples[action], ...over }, { timeZone: 'UTC' });

describe('audit entries in words', () => {
  it.each(auditActions)('says %s in words: who did it, no field names, ids, arrows or JSON', (action) => {
    const sentence = words(action);
    if (action !== 'items.hand_over') expect(sentence.startsWith('Alice Smith ')).toBe(true);
    // Labels are people's own text (an API key's prefix has an underscore): checked without them.
    expect(sentence.replace(samples[action].target.label, 'LABEL')).not.toMatch(
      /->|→|undefined|null|NaN|\[object|[{}]|_[a-z]|[a-z][A-Z]|\bu[0-9]\b|\bit1\b/,
    );
    expect(sentence).not.toMatch(/: \d+ -> \d+/);
    expect(sentence.length).toBeGreaterThan(15);
    expect(auditActionNames[action]).toBeTruthy();
  });

  it('knows every action the contract lists (and no other)', () => {
    expect(Object.keys(samples).sort()).toEqual([...auditActions].sort());
    expect(Object.keys(auditActionNames).sort()).toEqual([...auditActions].sort());
  });

  it('says the changes the issue named the way a person would', () => {
    expect(words('member.role_change')).toBe(
      'Alice Smith changed bob@example.com’s role from Viewer to Creator',
    );
    expect(
      words('workspace.update', { before: { require_approval: 0 }, after: { require_approval: 1 } }),
    ).toBe('Alice Smith turned on Require approval (people who join by link must be approved)');
    expect(
      words('workspace.update', { before: { require_approval: 1 }, after: { require_approval: 0 } }),
    ).toMatch(/turned off Require approval/);
    expect(words('workspace.create')).toBe('Alice Smith created the workspace “Studio” with 5 seats');
    expect(words('seats.change')).toBe('Alice Smith changed the number of seats from 5 to 8');
    expect(words('workspace.update')).toBe(
      'Alice Smith turned on Require approval (people who join by link must be approved) and renamed the workspace from “Studio” to “Studio B”',
    );
    expect(words('items.hand_over')).toBe('3 items owned by bob@example.com passed to carol@example.com');
    expect(words('api_key.revoke')).toBe('Alice Smith revoked the API key CI (trp_abc…)');
    expect(
      words('api_key.revoke', {
        after: { reason: 'role_change', ownerEmail: 'bob@example.com', role: 'creator' },
      }),
    ).toBe(
      'Alice Smith revoked the API key CI (trp_abc…) by changing bob@example.com’s role to Creator, which has no API access',
    );
    expect(
      words('api_key.revoke', { after: { reason: 'member_remove', ownerEmail: 'bob@example.com' } }),
    ).toBe('Alice Smith revoked the API key CI (trp_abc…) by removing bob@example.com from the workspace');
    expect(
      words('api_key.revoke', { after: { reason: 'member_leave', ownerEmail: 'alice@example.com' } }),
    ).toBe('Alice Smith revoked the API key CI (trp_abc…) by leaving the workspace');
    expect(
      words('api_key.revoke', { after: { reason: 'account_delete', ownerEmail: 'alice@example.com' } }),
    ).toBe('Alice Smith revoked the API key CI (trp_abc…) by deleting their account');
    expect(words('item.grant')).toBe('Alice Smith gave bob@example.com edit access to “Plans”');
    expect(words('item.grant', { before: { userId: 'u2', permission: 'view' } })).toBe(
      'Alice Smith changed bob@example.com’s access to “Plans” from view to edit',
    );
    expect(words('item.access_change')).toBe(
      'Alice Smith changed who can open “Plans” from only the people added to anyone in the workspace (can edit)',
    );
    expect(words('invite_link.update')).toBe(
      'Alice Smith turned the invite link off, changed the role people get from the invite link from Viewer to Creator and limited the invite link to 10 uses',
    );
    expect(words('share_page.settings')).toBe(
      'Alice Smith turned downloads on and set the public link to expire on Mar 4, 2026, 10:00 AM for “Launch film”',
    );
    expect(words('video.upload')).toBe('Alice Smith uploaded launch.mp4 (12 MB) to “Launch film”');
    expect(words('invitation.accept')).toBe(
      'Alice Smith accepted the invitation and joined as Viewer, which verified their email address',
    );
    expect(
      words('share_page.password', { before: { hasPassword: true }, after: { hasPassword: false } }),
    ).toMatch(/removed the password/);
    expect(words('item.move', { after: { parentId: null } })).toBe(
      'Alice Smith moved “Plans” to the top of the library',
    );
    expect(
      describeAuditEntry({
        action: 'item.purge',
        actor: { id: null, label: 'Troupe' },
        target: { type: 'item', id: 'it1', label: 'Plans' },
        before: { kind: 'video', trashed: true, trashDays: 30 },
        after: null,
      }),
    ).toBe('Troupe deleted the video “Plans” for good, after 30 days in the trash');
  });

  it('names people by name when the label has one, and copes with odd stored values', () => {
    expect(personName('Ann Lee <ann@example.com>')).toBe('Ann Lee');
    expect(personName('ann@example.com')).toBe('ann@example.com');
    const odd = describeAuditEntry({
      action: 'member.role_change',
      actor: { id: null, label: '' },
      target: { type: 'user', id: null, label: 'x@example.com' },
      before: 'weird',
      after: { role: 'owner' },
    });
    expect(odd).toBe('Someone changed x@example.com’s role from an unknown role to an unknown role');
  });
});
