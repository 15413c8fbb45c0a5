import type { Item } from '../../contract/items.ts';
import type { ItemRecord } from '../../data/access.repo.ts';
import { type AuditEntry, auditPart } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { subtreeHeight, titleKey, updateItemPart } from '../../data/items.repo.ts';
import { lockWorkspaceTree } from '../../data/members.repo.ts';
import { writeTogether } from '../../data/write-together.ts';
import { MAX_DEPTH, nestsTooDeep } from '../../domain/access.ts';
import { DomainError, invalid } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { permissionOn, requireItem, rootPermissionOn } from '../gate.ts';
import { presentItem } from './item-access.ts';

/**
 * Renames and/or moves an item. Needs edit access to it; a move also needs edit access to the
 * target folder, which must be a folder of the same workspace and not the item or inside it. A
 * move to the library root must leave the mover some access (domain/access.ts `permissionAtRoot`).
 * What the item inherits changes at once: inheritance is read from the tree on every check.
 * A move takes the workspace's lock before anything else, so two moves (or a move and a deletion)
 * in one workspace check against each other's commits: no cycle, nothing moved into a folder as it
 * goes to the trash (data/members.repo.ts `lockWorkspaceTree`). A rename changes no structure and
 * takes no lock.
 */
export async function updateItem(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: Actor,
  id: string,
  input: { title?: string; parentId?: string | null },
): Promise<Item> {
  return inTransaction(deps.db, async (tx) => {
    if (input.parentId !== undefined)
      await lockWorkspaceTree(tx, deps.dialect, { itemId: id, userId: actor.userId });
    const { loaded } = await requireItem(tx, actor, 'item:edit', id);
    const ws = loaded.item.workspaceId;
    const patch: Parameters<typeof updateItemPart>[3] = {};
    let folderTitle: string | null = null;
    if (input.title !== undefined) {
      patch.title = input.title;
      patch.title_key = titleKey(input.title);
    }
    if (input.parentId !== undefined && input.parentId !== loaded.item.parentId) {
      if (input.parentId !== null) {
        if (input.parentId === id) throw invalid('parentId', 'An item cannot be moved into itself');
        const target = await requireItem(tx, actor, 'item:edit', input.parentId, 'Folder');
        if (target.loaded.item.workspaceId !== ws)
          throw invalid('parentId', 'Items can only move within their workspace');
        if (target.loaded.item.kind !== 'folder')
          throw invalid('parentId', 'Items can only be moved into folders');
        if (target.loaded.chain.some((link) => link.id === id)) {
          throw invalid('parentId', 'A folder cannot be moved into its own subfolder');
        }
        // The target's depth, plus the moved folder's own levels below it: the deepest item after.
        const height =
          loaded.item.kind === 'folder'
            ? await subtreeHeight(tx, ws, id, MAX_DEPTH - target.loaded.chain.length)
            : 0;
        if (nestsTooDeep(target.loaded.chain.length, height))
          throw invalid('parentId', `Folders nest at most ${MAX_DEPTH} deep`);
        folderTitle = target.loaded.item.title;
      } else if (rootPermissionOn(actor, loaded) === 'none') {
        throw new DomainError(
          'forbidden',
          `Moving “${loaded.item.title}” to the library root would leave you without access to it: there it keeps only its own sharing, which does not include you. Ask its owner or a Super Admin to move it.`,
        );
      }
      patch.parent_id = input.parentId;
    }
    const now = deps.clock.now();
    const target = { type: 'item', id, label: input.title ?? loaded.item.title };
    const audit: AuditEntry[] = [];
    if (input.title !== undefined && input.title !== loaded.item.title) {
      audit.push({
        workspaceId: ws,
        actor: actorRef(actor),
        action: 'item.rename',
        target,
        before: { title: loaded.item.title },
        after: { title: input.title },
      });
    }
    if (patch.parent_id !== undefined) {
      audit.push({
        workspaceId: ws,
        actor: actorRef(actor),
        action: 'item.move',
        target,
        before: { parentId: loaded.item.parentId },
        after: { parentId: patch.parent_id, folder: folderTitle },
      });
    }
    // The row and its audit entries: one statement on PostgreSQL; a rename's last, with the commit.
    await writeTogether(tx, [updateItemPart(tx, ws, id, patch, now), auditPart(audit, now)], {
      last: patch.parent_id === undefined,
    });
    if (patch.parent_id === undefined) {
      // A rename changes no one's access (titles take no part in it): the item as loaded, renamed.
      const renamed: ItemRecord = Object.assign({}, loaded.item);
      renamed.title = patch.title ?? loaded.item.title;
      renamed.updatedAt = now;
      return presentItem(renamed, permissionOn(actor, loaded), rootPermissionOn(actor, loaded));
    }
    const { loaded: after } = await requireItem(tx, actor, 'item:view', id);
    return presentItem(after.item, permissionOn(actor, after), rootPermissionOn(actor, after));
  });
}
