import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { deleteItem as deleteItemRow } from '../../data/items.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';

/** Deletes an item (needs edit access); a folder goes with everything inside it. */
export async function deleteItem(deps: { db: Db; clock: Clock }, actor: Actor, id: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    const { loaded } = await requireItem(tx, actor, 'item:delete', id);
    await deleteItemRow(tx, loaded.item.workspaceId, id);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: loaded.item.workspaceId,
          actor: actorRef(actor),
          action: 'item.delete',
          target: { type: 'item', id, label: loaded.item.title },
          before: { kind: loaded.item.kind },
        },
      ],
      deps.clock.now(),
    );
  });
}
