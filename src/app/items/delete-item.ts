import { type Db, inTransaction } from '../../data/db.ts';
import { deleteItem as deleteItemRow } from '../../data/items.repo.ts';
import type { Actor } from '../actor.ts';
import { requireItem } from '../gate.ts';

/** Deletes an item (needs edit access); a folder goes with everything inside it. */
export async function deleteItem(deps: { db: Db }, actor: Actor, id: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    const { loaded } = await requireItem(tx, actor, 'item:delete', id);
    await deleteItemRow(tx, loaded.item.workspaceId, id);
  });
}
