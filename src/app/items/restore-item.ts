import type { Item } from '../../contract/items.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { restoreSubtree } from '../../data/items.repo.ts';
import { lockWorkspaceTree } from '../../data/members.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { permissionOn, requireItem, rootPermissionOn } from '../gate.ts';
import { presentItem, reload } from './item-access.ts';

/**
 * Brings a deleted item back from the trash with everything that went with it (SPEC §5): whoever
 * could delete it may (the same decision, over its folders as they are; a folder in the trash
 * passes nothing down, so an item that comes back at the root is decided by itself alone:
 * domain/access.ts). Its sharing is as it was. An item that is not in the trash is answered as it
 * is. Takes the workspace's lock first, as moves and deletions do (data/members.repo.ts
 * `lockWorkspaceTree`): whether its folder is in the trash is read after theirs commit.
 */
export async function restoreItem(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: Actor,
  id: string,
): Promise<Item> {
  const now = deps.clock.now();
  return inTransaction(deps.db, async (tx) => {
    await lockWorkspaceTree(tx, deps.dialect, { itemId: id, userId: actor.userId });
    const { loaded } = await requireItem(tx, actor, 'item:restore', id);
    const ws = loaded.item.workspaceId;
    if (loaded.item.trashedAt !== null) {
      await restoreSubtree(tx, ws, id, now);
      await insertAuditEvents(
        tx,
        [
          {
            workspaceId: ws,
            actor: actorRef(actor),
            action: 'item.restore',
            target: { type: 'item', id, label: loaded.item.title },
            after: { kind: loaded.item.kind },
          },
        ],
        now,
      );
    }
    const after = await reload(tx, id, actor.userId);
    return presentItem(after.item, permissionOn(actor, after), rootPermissionOn(actor, after));
  });
}
