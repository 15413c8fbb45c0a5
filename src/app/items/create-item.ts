import type { Item, ItemKind } from '../../contract/items.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { insertItem, kindRank, titleKey } from '../../data/items.repo.ts';
import { lockWorkspaceTree } from '../../data/members.repo.ts';
import { MAX_DEPTH, nestsTooDeep } from '../../domain/access.ts';
import { invalid } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess, requireItem } from '../gate.ts';
import { presentItem } from './item-access.ts';

/**
 * Creates a folder, draft, video, avatar or voice (everyone but Viewers). Inside a folder it needs
 * edit access to the folder. New items are `selected` (only the people added): private until shared.
 * A create in a folder changes the folder tree: it takes the workspace's lock first, so it checks
 * the folder against the moves and deletions committed before it (data/members.repo.ts
 * `lockWorkspaceTree`). One at the root needs no lock.
 */
export async function createItem(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: WorkspaceActor,
  input: { kind: ItemKind; title: string; parentId?: string | null },
): Promise<Item> {
  requireAccess(actor, 'item:create');
  return inTransaction(deps.db, async (tx) => {
    if (input.parentId) {
      await lockWorkspaceTree(tx, deps.dialect, { workspaceId: actor.workspaceId });
      const { loaded } = await requireItem(tx, actor, 'item:edit', input.parentId, 'Folder');
      if (loaded.item.workspaceId !== actor.workspaceId)
        throw invalid('parentId', 'The folder is in another workspace');
      if (loaded.item.kind !== 'folder') throw invalid('parentId', 'Items can only be put in folders');
      if (nestsTooDeep(loaded.chain.length))
        throw invalid('parentId', `Folders nest at most ${MAX_DEPTH} deep`);
    }
    const now = deps.clock.now();
    const row = {
      id: newId(now),
      workspace_id: actor.workspaceId,
      kind: input.kind,
      title: input.title,
      kind_rank: kindRank(input.kind),
      title_key: titleKey(input.title),
      parent_id: input.parentId ?? null,
      owner_id: actor.userId,
      general_access: 'selected',
      workspace_permission: 'view',
      created_at: now,
      updated_at: now,
    };
    await insertItem(tx, row);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: row.workspace_id,
          actor: actorRef(actor),
          action: 'item.create',
          target: { type: 'item', id: row.id, label: row.title },
          after: { kind: input.kind, parentId: row.parent_id },
        },
      ],
      now,
    );
    return presentItem(
      {
        id: row.id,
        workspaceId: row.workspace_id,
        kind: input.kind,
        title: row.title,
        parentId: row.parent_id,
        ownerId: row.owner_id,
        generalAccess: 'selected',
        workspacePermission: 'view',
        createdAt: now,
        updatedAt: now,
        trashedAt: null,
        trashedBy: null,
        trashRootId: null,
      },
      'edit',
      // Its owner, wherever it goes.
      'edit',
    );
  });
}
