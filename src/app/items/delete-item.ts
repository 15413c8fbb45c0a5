import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { deleteItem as deleteItemRow, trashSubtree } from '../../data/items.repo.ts';
import { lockWorkspaceTree } from '../../data/members.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';

/**
 * Deletes an item (needs edit access): it moves to the workspace trash with everything inside it,
 * for 30 days (SPEC §5), gone to every read until restored. `permanent` deletes it for good at once
 * (the same permission): a folder with everything in it, its video files queued for removal.
 * Both take the workspace's lock first (data/members.repo.ts `lockWorkspaceTree`): a move or create
 * into the folder is then before it (and trashed or deleted with it) or after it (and refused).
 */
export async function deleteItem(
  deps: { db: Db; dialect: Dialect; clock: Clock; storageChanged?: () => void },
  actor: Actor,
  id: string,
  opts: { permanent?: boolean } = {},
): Promise<void> {
  const now = deps.clock.now();
  await inTransaction(deps.db, async (tx) => {
    await lockWorkspaceTree(tx, deps.dialect, { itemId: id, userId: actor.userId });
    if (opts.permanent) {
      const { loaded } = await requireItem(tx, actor, 'item:purge', id);
      await deleteItemRow(tx, loaded.item.workspaceId, id);
      await insertAuditEvents(
        tx,
        [
          {
            workspaceId: loaded.item.workspaceId,
            actor: actorRef(actor),
            action: 'item.purge',
            target: { type: 'item', id, label: loaded.item.title },
            before: { kind: loaded.item.kind, trashed: loaded.item.trashedAt !== null },
          },
        ],
        now,
      );
      return;
    }
    const { loaded } = await requireItem(tx, actor, 'item:delete', id);
    await trashSubtree(tx, loaded.item.workspaceId, id, actor.userId, now);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: loaded.item.workspaceId,
          actor: actorRef(actor),
          action: 'item.trash',
          target: { type: 'item', id, label: loaded.item.title },
          after: { kind: loaded.item.kind },
        },
      ],
      now,
    );
  });
  if (opts.permanent) deps.storageChanged?.();
}
