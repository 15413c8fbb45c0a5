import type { GeneralAccess, ItemAccess, Permission } from '../../contract/items.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { updateItem } from '../../data/items.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';
import { describeAccess } from './get-item-access.ts';
import { reload } from './item-access.ts';

/** General access: only me / only people added / anyone in the workspace at view or edit. Sharers only. */
export async function updateItemAccess(
  deps: { db: Db; clock: Clock },
  actor: Actor,
  id: string,
  input: { generalAccess?: GeneralAccess; workspacePermission?: Permission },
): Promise<ItemAccess> {
  return inTransaction(deps.db, async (tx) => {
    const { loaded } = await requireItem(tx, actor, 'item:share', id);
    const item = loaded.item;
    const now = deps.clock.now();
    const after = {
      general_access: input.generalAccess ?? item.generalAccess,
      workspace_permission: input.workspacePermission ?? item.workspacePermission,
    };
    await updateItem(tx, item.workspaceId, id, after, now);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: item.workspaceId,
          actor: actorRef(actor),
          action: 'item.access_change',
          target: { type: 'item', id, label: item.title },
          before: { generalAccess: item.generalAccess, workspacePermission: item.workspacePermission },
          after: { generalAccess: after.general_access, workspacePermission: after.workspace_permission },
        },
      ],
      now,
    );
    return describeAccess(tx, await reload(tx, id, actor.userId));
  });
}
