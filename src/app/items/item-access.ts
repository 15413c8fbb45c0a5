import type { EffectivePermission, Item } from '../../contract/items.ts';
import type { Role } from '../../contract/roles.ts';
import { type ItemFacts, type ItemRecord, type LoadedChain, loadChains } from '../../data/access.repo.ts';
import type { Conn } from '../../data/db.ts';
import { abilitiesFor, allows, effectivePermission, type ItemAction } from '../../domain/access.ts';
import { DomainError, forbidden } from '../../domain/errors.ts';
import type { Actor } from '../actor.ts';

/** What the item rules need to know about the caller. */
export type Caller = Pick<Actor, 'userId' | 'keyWorkspaceId'>;

/** The caller's role in the item's workspace; an API key only works in its own workspace. */
export function roleIn(actor: Caller, loaded: ItemFacts): Role | null {
  if (actor.keyWorkspaceId && actor.keyWorkspaceId !== loaded.item.workspaceId) return null;
  return loaded.role;
}

export function permissionOn(actor: Caller, loaded: ItemFacts): EffectivePermission {
  const role = roleIn(actor, loaded);
  return effectivePermission({ member: role ? { userId: actor.userId, role } : null, chain: loaded.chain });
}

export function presentItem(record: ItemRecord, permission: EffectivePermission): Item {
  if (permission === 'none') throw new Error('presentItem: an item the caller cannot see');
  return {
    id: record.id,
    workspaceId: record.workspaceId,
    kind: record.kind,
    title: record.title,
    parentId: record.parentId,
    ownerId: record.ownerId,
    generalAccess: record.generalAccess,
    workspacePermission: record.workspacePermission,
    permission,
    abilities: abilitiesFor(permission),
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

/**
 * Loads an item with its access facts and checks `action`: an item the caller cannot view is
 * not found (404, never revealing that it exists); one they can view but not act on is 403.
 */
export async function loadItemFor(
  conn: Conn,
  actor: Actor,
  itemId: string,
  action: ItemAction,
  what = 'Item',
): Promise<{ loaded: LoadedChain; permission: EffectivePermission; role: Role }> {
  const loaded = (await loadChains(conn, [itemId], actor.userId)).get(itemId);
  return checkItemAccess(actor, loaded ?? null, action, what);
}

/** The check of `loadItemFor`, for a chain loaded some other way. */
export function checkItemAccess<F extends ItemFacts>(
  actor: Caller,
  loaded: F | null,
  action: ItemAction,
  what = 'Item',
): { loaded: F; permission: EffectivePermission; role: Role } {
  const permission = loaded ? permissionOn(actor, loaded) : 'none';
  const role = loaded ? roleIn(actor, loaded) : null;
  if (!loaded || !role || permission === 'none') throw new DomainError('not_found', `${what} not found`);
  if (!allows(permission, action)) {
    throw forbidden(
      role === 'viewer'
        ? 'Viewers can only view content'
        : `You have ${permission} access to this ${what.toLowerCase()}; this needs edit access`,
    );
  }
  return { loaded, permission, role };
}

/** The item's chain again after a change, without an access check (the caller was just authorized). */
export async function reload(conn: Conn, itemId: string, userId: string): Promise<LoadedChain> {
  const loaded = (await loadChains(conn, [itemId], userId)).get(itemId);
  if (!loaded) throw new DomainError('not_found', 'Item not found');
  return loaded;
}
