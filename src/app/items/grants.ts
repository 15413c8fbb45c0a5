import type { ItemAccess, Permission } from '../../contract/items.ts';
import { auditPart, insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { deleteGrant, upsertGrantPart } from '../../data/items.repo.ts';
import { findMembership } from '../../data/members.repo.ts';
import { writeTogether } from '../../data/write-together.ts';
import { rises } from '../../domain/access.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';
import { type Note, notesPart, publishNotes } from '../notifications/notify.ts';
import { buildAccess, describeAccess, permissionOf, readShareFacts, withGrant } from './get-item-access.ts';

/**
 * Shares an item with one member at view or edit (or changes their level). Only those who may
 * share (owner, Super Admins, editors; never Viewers) can, and only with members of the workspace.
 * Sharing needs edit access, so nobody grants more than they hold.
 */
export async function putGrant(
  deps: { db: Db; clock: Clock; bus: NotificationBus },
  actor: Actor,
  input: { itemId: string; userId: string; permission: Permission },
): Promise<ItemAccess> {
  const now = deps.clock.now();
  const { access, notes } = await inTransaction(deps.db, async (tx) => {
    const { loaded } = await requireItem(tx, actor, 'item:share', input.itemId);
    const ws = loaded.item.workspaceId;
    // The access list the call answers with is read before the write and the new grant set in it:
    // the write is then the transaction's last statement, sent with the COMMIT, and the grant's row
    // is locked for that moment only (read after it, the row was held for three reads and the
    // commit, and shares of one item queued behind one another). The list is as the read found it
    // plus this grant: a change made by someone else meanwhile shows at the next read. Read in the
    // transaction, before anything is written: a failed read writes nothing. The same query reads
    // the grantee and the workspace's name.
    const { facts, grantee, workspaceName } = await readShareFacts(tx, loaded, input.userId);
    if (!grantee) throw invalid('userId', 'Items can only be shared with members of this workspace');
    const before =
      facts.grants.find((g) => g.itemId === input.itemId && g.userId === input.userId)?.permission ?? null;
    const grant = {
      itemId: input.itemId,
      userId: input.userId,
      permission: input.permission,
      name: grantee.name,
      email: grantee.email,
      role: grantee.role,
    };
    const after = withGrant(facts, grant);
    // The grantee hears of it when what they can do rises (SPEC §7: a new share, or view raised to
    // edit), as the gate decides it: not on an "Only me" item (the grant is dormant and the item
    // answers 404 to them), not when edit stays view for a Viewer or they could already do as much
    // (a Super Admin, a folder's grant), not of a lowering, nor of sharing with themselves.
    const member = { userId: input.userId, role: grantee.role };
    const was = permissionOf(loaded, facts, member);
    const permitted = permissionOf(loaded, after, member);
    const notes: Note[] = [];
    if (rises(was, permitted) && input.userId !== actor.userId) {
      notes.push({
        userId: input.userId,
        workspaceId: ws,
        kind: 'item_shared',
        subjectId: input.itemId,
        data: {
          workspace: { id: ws, name: workspaceName },
          item: { id: input.itemId, title: loaded.item.title, kind: loaded.item.kind },
          permission: permitted === 'edit' ? 'edit' : 'view',
          sharedBy: { id: actor.userId, name: actor.name },
        },
      });
    }
    const written = notesPart(notes, now);
    const access = buildAccess(loaded, after);
    // The grant, its audit entry and the notification: one statement, with the COMMIT on PostgreSQL.
    await writeTogether(
      tx,
      [
        upsertGrantPart(
          tx,
          {
            itemId: input.itemId,
            userId: input.userId,
            workspaceId: ws,
            permission: input.permission,
            grantedBy: actor.userId,
          },
          now,
        ),
        auditPart(
          [
            {
              workspaceId: ws,
              actor: actorRef(actor),
              action: 'item.grant',
              target: { type: 'item', id: input.itemId, label: `${loaded.item.title} → ${grantee.email}` },
              before: before ? { userId: input.userId, permission: before } : null,
              after: { userId: input.userId, email: grantee.email, permission: input.permission },
            },
          ],
          now,
        ),
        written,
      ],
      { last: true },
    );
    return { access, notes: written.rows };
  });
  publishNotes(deps.bus, notes, now);
  return access;
}

/** Removes one member's grant on the item (sharers only). */
export async function removeGrant(
  deps: { db: Db; clock: Clock },
  actor: Actor,
  input: { itemId: string; userId: string },
): Promise<ItemAccess> {
  return inTransaction(deps.db, async (tx) => {
    const { loaded } = await requireItem(tx, actor, 'item:share', input.itemId);
    const ws = loaded.item.workspaceId;
    if (!(await deleteGrant(tx, ws, input.itemId, input.userId))) throw notFound('Grant');
    const now = deps.clock.now();
    const grantee = await findMembership(tx, ws, input.userId);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'item.grant_remove',
          target: { type: 'item', id: input.itemId, label: loaded.item.title },
          before: { userId: input.userId, ...(grantee ? { email: grantee.email } : {}) },
        },
      ],
      now,
    );
    return describeAccess(tx, loaded);
  });
}
