import { describe, expect, it } from 'vitest';
import type { GeneralAccess, Permission } from '../contract/items.ts';
import type { Role } from '../contract/roles.ts';
import { type AccessFacts, type ChainLink, effectivePermission, trashAllows } from './access.ts';

const M = 'm';
const link = (
  over: Partial<ChainLink> & { id?: string } = {},
  generalAccess: GeneralAccess = 'selected',
  workspacePermission: Permission = 'view',
): ChainLink => ({
  id: over.id ?? 'x',
  title: over.id ?? 'x',
  ownerId: 'someone-else',
  generalAccess,
  workspacePermission,
  grant: null,
  ...over,
});
const facts = (role: Role | null, ...chain: ChainLink[]): AccessFacts => ({
  member: role ? { userId: M, role } : null,
  chain,
});

describe('effective permission (SPEC §5)', () => {
  it.each<[string, AccessFacts, string]>([
    ['1. not a member: none, whatever is shared', facts(null, link({}, 'workspace', 'edit')), 'none'],
    ['2. Super Admin: edit on anything', facts('super_admin', link({}, 'only_me')), 'edit'],
    ['2. owner: edit', facts('creator', link({ ownerId: M }, 'only_me')), 'edit'],
    [
      '3. only_me: none for others, grants dormant',
      facts('creator', link({ grant: 'edit' }, 'only_me')),
      'none',
    ],
    ['3. only_me: workspace level dormant too', facts('developer', link({}, 'only_me', 'edit')), 'none'],
    ['4. selected without a grant: none', facts('creator', link()), 'none'],
    ['4. direct grant view', facts('creator', link({ grant: 'view' })), 'view'],
    ['4. direct grant edit', facts('creator', link({ grant: 'edit' })), 'edit'],
    ['4. workspace level view', facts('creator', link({}, 'workspace', 'view')), 'view'],
    ['4. workspace level edit', facts('developer', link({}, 'workspace', 'edit')), 'edit'],
    [
      '4. the highest wins: grant view + workspace edit',
      facts('creator', link({ grant: 'view' }, 'workspace', 'edit')),
      'edit',
    ],
    ['4. inherited grant from a folder', facts('creator', link(), link({ id: 'f', grant: 'edit' })), 'edit'],
    [
      '4. inherited workspace level from a folder',
      facts('creator', link(), link({ id: 'f' }, 'workspace', 'view')),
      'view',
    ],
    [
      '4. grant from a grandparent',
      facts('creator', link(), link({ id: 'f1' }), link({ id: 'f2', grant: 'view' })),
      'view',
    ],
    [
      '4. owning an ancestor folder gives edit',
      facts('creator', link(), link({ id: 'f', ownerId: M })),
      'edit',
    ],
    [
      '4. the nearest only_me ancestor stops the flow',
      facts('creator', link(), link({ id: 'f1' }, 'only_me'), link({ id: 'f2', grant: 'edit' })),
      'none',
    ],
    [
      '4. ... its own grants do not count',
      facts('creator', link(), link({ id: 'f1', grant: 'edit' }, 'only_me', 'edit')),
      'none',
    ],
    [
      '4. ... its ownership still counts',
      facts('creator', link(), link({ id: 'f1', ownerId: M }, 'only_me')),
      'edit',
    ],
    [
      '4. ... ownership above it does not',
      facts('creator', link(), link({ id: 'f1' }, 'only_me'), link({ id: 'f2', ownerId: M })),
      'none',
    ],
    [
      '4. ... grants below it still count',
      facts('creator', link(), link({ id: 'f1', grant: 'view' }), link({ id: 'f2' }, 'only_me')),
      'view',
    ],
    [
      '4. ... the item’s own grant counts',
      facts('creator', link({ grant: 'view' }), link({ id: 'f1' }, 'only_me')),
      'view',
    ],
    [
      '4. a folder in the trash passes nothing down: not its grants',
      facts('creator', link(), link({ id: 'f', grant: 'edit', trashed: true })),
      'none',
    ],
    [
      '4. ... nor its workspace level',
      facts('creator', link(), link({ id: 'f', trashed: true }, 'workspace', 'edit')),
      'none',
    ],
    [
      '4. ... nor its ownership',
      facts('creator', link(), link({ id: 'f', ownerId: M, trashed: true })),
      'none',
    ],
    [
      '4. ... nor anything above it',
      facts('creator', link(), link({ id: 'f1', trashed: true }), link({ id: 'f2', grant: 'edit' })),
      'none',
    ],
    [
      '4. ... the item’s own grant still counts',
      facts('creator', link({ grant: 'edit' }), link({ id: 'f', grant: 'view', trashed: true })),
      'edit',
    ],
    [
      '4. ... and so does a live folder below it',
      facts('creator', link(), link({ id: 'f1', grant: 'edit' }), link({ id: 'f2', trashed: true })),
      'edit',
    ],
    ['5. a Viewer granted edit can only view', facts('viewer', link({ grant: 'edit' })), 'view'],
    ['5. a Viewer with workspace edit can only view', facts('viewer', link({}, 'workspace', 'edit')), 'view'],
    [
      '5. a Viewer owning an ancestor can only view',
      facts('viewer', link(), link({ id: 'f', ownerId: M })),
      'view',
    ],
    ['5. a Viewer who owns the item (demoted) can only view', facts('viewer', link({ ownerId: M })), 'view'],
  ])('%s', (_name, f, expected) => {
    expect(effectivePermission(f)).toBe(expected);
  });
});

describe('trashAllows (SPEC §5: a trashed item is gone but to restoring or purging it)', () => {
  const actions = [
    'item:view',
    'item:edit',
    'item:share',
    'item:delete',
    'item:move',
    'item:restore',
    'item:purge',
  ] as const;
  const live = { id: 'a', trashedAt: null, trashRootId: null };
  const deleted = { id: 'a', trashedAt: 1, trashRootId: 'a' };
  const inside = { id: 'b', trashedAt: 1, trashRootId: 'a' };
  it.each(actions)('%s', (action) => {
    const trashOnly = action === 'item:restore' || action === 'item:purge';
    expect(trashAllows(live, action)).toBe(true);
    expect(trashAllows(deleted, action)).toBe(trashOnly);
    expect(trashAllows(inside, action)).toBe(false);
    // Live, under a trashed folder (a create racing the folder's deletion): gone too.
    expect(trashAllows(live, action, true)).toBe(false);
    expect(trashAllows(deleted, action, true)).toBe(trashOnly);
  });
});
