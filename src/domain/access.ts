import type { Abilities, EffectivePermission, GeneralAccess, Permission } from '../contract/items.ts';
import type { Role } from '../contract/roles.ts';

/** Typed actions on items: a misspelt action fails to compile. */
export type ItemAction =
  | 'item:view'
  | 'item:edit'
  | 'item:share'
  | 'item:delete'
  | 'item:move'
  /** Bring a deleted item back from the trash: the same decision as deleting it. */
  | 'item:restore'
  /** Delete for good (from the trash, or at once): the same decision as deleting it. */
  | 'item:purge';

/** One item of the chain from an item up to the library root, with the member's grant on it. */
export interface ChainLink {
  id: string;
  title: string;
  ownerId: string;
  generalAccess: GeneralAccess;
  workspacePermission: Permission;
  /** The member's own grant on this item, if any. */
  grant: Permission | null;
  /** In the trash (loaded by the gate's reads; a folder's contents go with it). */
  trashed?: boolean;
}

/** Everything the decision needs: who asks, and the item followed by its ancestors, nearest first. */
export interface AccessFacts {
  member: { userId: string; role: Role } | null;
  chain: ChainLink[];
}

const rank = { none: 0, view: 1, edit: 2 } as const;
const byRank: EffectivePermission[] = ['none', 'view', 'edit'];

/**
 * The member's effective permission on chain[0] (SPEC §5):
 * 1. not an active member -> none; 2. Super Admin or owner -> edit; 3. only_me -> none;
 * 4. the highest of the grants on the item and its ancestors, edit for owning an ancestor, and the
 *    workspace-wide level of the item and its ancestors, walking up until the nearest only_me
 *    ancestor (whose ownership still counts, but not its grants or workspace level, nor anything above);
 * 5. a Viewer gets at most view.
 * A folder in the trash passes nothing down: the walk stops below it (its ownership, grants and
 * workspace level do not count, nor anything above it). Only a deleted item is ever decided with
 * such a folder above it (a live one under it is gone: `trashAllows`), and it comes back at the
 * library root, so whether one may restore it (or see it in one's trash) is decided by the item
 * alone, as it would stand there.
 * A link that is not the item, not the member's, not shared with them and `selected` changes
 * nothing here: data/access.repo.ts's one-query item read leaves such links out (and everything
 * above the nearest only_me ancestor); test/access-property.test.ts holds both to SPEC §5.
 */
export function effectivePermission(facts: AccessFacts): EffectivePermission {
  const { member, chain } = facts;
  const item = chain[0];
  if (!member || !item) return 'none';
  if (member.role === 'super_admin' || item.ownerId === member.userId) return cap(member.role, 'edit');
  if (item.generalAccess === 'only_me') return 'none';
  let level = 0;
  for (let i = 0; i < chain.length; i++) {
    const link = chain[i] as ChainLink;
    if (i > 0 && link.trashed) break;
    if (i > 0 && link.ownerId === member.userId) level = 2;
    if (i > 0 && link.generalAccess === 'only_me') break;
    if (link.grant) level = Math.max(level, rank[link.grant]);
    if (link.generalAccess === 'workspace') level = Math.max(level, rank[link.workspacePermission]);
  }
  return cap(member.role, byRank[level] as EffectivePermission);
}

/**
 * The member's permission on the item once it sits at the library's root: only its own sharing
 * (its owner, its general access, a grant on it, a Super Admin) and nothing from the folders it
 * leaves. A move to the root that would leave the mover with none is refused (docs/RULES.md):
 * an editor of a folder cannot take a thing out of everyone's sight, their own included.
 */
export function permissionAtRoot(member: AccessFacts['member'], item: ChainLink): EffectivePermission {
  return effectivePermission({ member, chain: [item] });
}

/** Whether `to` lets the member do more than `from` (none < view < edit). */
export function rises(from: EffectivePermission, to: EffectivePermission): boolean {
  return rank[to] > rank[from];
}

function cap(role: Role, p: EffectivePermission): EffectivePermission {
  return role === 'viewer' && p === 'edit' ? 'view' : p;
}

/**
 * What the member may do with the item. The abilities map and every check come from here.
 * `atRoot`: their permission were the item at the library root (`permissionAtRoot`).
 */
export function abilitiesFor(permission: EffectivePermission, atRoot: EffectivePermission): Abilities {
  const edit = permission === 'edit';
  return { edit, share: edit, delete: edit, move: edit, moveToRoot: edit && atRoot !== 'none' };
}

export function allows(permission: EffectivePermission, action: ItemAction): boolean {
  if (action === 'item:view') return permission !== 'none';
  return permission === 'edit';
}

/** Where an item is with respect to the trash (SPEC §5). */
export interface TrashFacts {
  id: string;
  trashedAt: number | null;
  trashRootId: string | null;
}

/**
 * Folders are never nested deeper than this (an item's chain: it and its folders, at most 64); it
 * also stops the chain reads' walks on corrupt data (data/access.repo.ts).
 */
export const MAX_DEPTH = 64;

/**
 * Whether putting an item into a folder whose chain (the folder and its own folders) has
 * `folderChain` links would nest something past MAX_DEPTH: the item itself, or, for a folder being
 * moved, the deepest of what is inside it (`height` levels below it; 0 for an empty folder or any
 * other item).
 */
export function nestsTooDeep(folderChain: number, height = 0): boolean {
  return folderChain + height >= MAX_DEPTH;
}

/** How long a deleted item stays in the trash before the purge job deletes it for good. */
export const TRASH_DAYS = 30;
export const TRASH_MS = TRASH_DAYS * 24 * 60 * 60 * 1000;

/**
 * Trashed items are gone to every action (404, as if deleted) but the two that act on the trash:
 * restoring and deleting for good, and those only on the item that was deleted (the folder, not
 * what was inside it, which comes back with it). On a live item both are allowed too: restoring it
 * changes nothing, deleting it for good skips the trash. Permissions are decided after this, over
 * the item's chain as it was, so whoever could delete it may restore it.
 */
export function trashAllows(item: TrashFacts, action: ItemAction, ancestorTrashed = false): boolean {
  // A live item under a trashed folder (an item created or moved there at the very moment the
  // folder was deleted) is as gone as the folder.
  if (item.trashedAt === null) return !ancestorTrashed;
  if (action !== 'item:restore' && action !== 'item:purge') return false;
  return item.trashRootId === item.id;
}
