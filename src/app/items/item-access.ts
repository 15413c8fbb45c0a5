import type { EffectivePermission, Item } from '../../contract/items.ts';
import { isoTime } from '../../contract/time.ts';
import { type ItemRecord, type LoadedChain, loadChains } from '../../data/access.repo.ts';
import type { Conn } from '../../data/db.ts';
import { abilitiesFor } from '../../domain/access.ts';
import { DomainError } from '../../domain/errors.ts';

/**
 * An item as the API shows it to a caller with `permission` on it, and `atRoot` were it at the
 * library root (domain/access.ts `permissionAtRoot`: its own sharing only).
 */
export function presentItem(
  record: ItemRecord & { ownerName?: string },
  permission: EffectivePermission,
  atRoot: EffectivePermission,
): Item {
  if (permission === 'none') throw new Error('presentItem: an item the caller cannot see');
  const item: Item = {
    id: record.id,
    workspaceId: record.workspaceId,
    kind: record.kind,
    title: record.title,
    parentId: record.parentId,
    ownerId: record.ownerId,
    generalAccess: record.generalAccess,
    workspacePermission: record.workspacePermission,
    permission,
    abilities: abilitiesFor(permission, atRoot),
    createdAt: isoTime(record.createdAt),
    updatedAt: isoTime(record.updatedAt),
  };
  // Added, not `...(cond ? { ownerName } : {})`: a spread after properties is V8's slow path, and a
  // listing page presents 50 items.
  if (record.ownerName !== undefined) item.ownerName = record.ownerName;
  return item;
}

/** The item's chain again after a change, without an access check (the caller was just authorized). */
export async function reload(conn: Conn, itemId: string, userId: string): Promise<LoadedChain> {
  const loaded = (await loadChains(conn, [itemId], userId)).get(itemId);
  if (!loaded) throw new DomainError('not_found', 'Item not found');
  return loaded;
}
