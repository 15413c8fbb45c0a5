import type { DeleteAccountBody } from '../../contract/account.ts';
import {
  deleteUserRows,
  handOverCreatedBy,
  listSoleAdminWorkspaces,
  listWorkspacesTouchedBy,
} from '../../data/account.repo.ts';
import { type AuditEntry, insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { handOverItems } from '../../data/items.repo.ts';
import { findMembership, listSuperAdmins, lockWorkspace } from '../../data/members.repo.ts';
import { deleteJoinRequestNotificationsOf } from '../../data/notifications.repo.ts';
import { deletionDecision } from '../../domain/account.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { revokedKeyEntries } from '../audit/revoked-keys.ts';
import { requireAccountAccess } from '../gate.ts';
import { endMembership } from '../members/end-membership.ts';
import { requireOwnPassword } from './change-password.ts';

/**
 * Deletes the signed-in person's account (SPEC §1), confirmed with their password. Refused (409
 * `last_admin`, naming the workspaces) while they are the only Super Admin of any workspace.
 * Otherwise, in one transaction, in every workspace they touch (locked in id order, so the
 * last-Super-Admin check cannot race another Super Admin leaving):
 * - their membership ends and its seat is freed, as when leaving; their live API keys are revoked
 *   and audited as such (`api_key.revoke`, reason `account_delete`), then go with the account;
 * - what they own passes to the workspace's longest-serving Super Admin, as when a member leaves
 *   (Slack and Notion keep a departed member's content in the workspace: it belongs to the team);
 *   grants made to them go; a workspace they created records that Super Admin as its creator;
 * - the workspace's audit log records `account.delete` (and `items.hand_over`).
 * Then the user, their sessions (every device is signed out at once), logins, notifications,
 * join requests (and the Super Admins' notifications of them) and dismissals go; audit entries
 * keep their name and email as text.
 */
export async function deleteAccount(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: Actor,
  input: DeleteAccountBody,
): Promise<{ workspacesLeft: number; itemsHandedOver: number }> {
  requireAccountAccess(actor, 'account:delete');
  await requireOwnPassword(deps.db, actor.userId, input.password, 'password');
  const userId = actor.userId;
  return inTransaction(deps.db, async (tx) => {
    const workspaceIds = await listWorkspacesTouchedBy(tx, userId);
    for (const ws of workspaceIds) await lockWorkspace(tx, deps.dialect, ws);
    const sole = await listSoleAdminWorkspaces(tx, userId);
    const decision = deletionDecision(sole);
    if (!decision.allowed) throw new DomainError('last_admin', decision.reason ?? 'Refused');
    const now = deps.clock.now();
    let workspacesLeft = 0;
    let itemsHandedOver = 0;
    for (const ws of workspaceIds) {
      const membership = await findMembership(tx, ws, userId);
      const heir = (await listSuperAdmins(tx, ws)).find((a) => a.user_id !== userId);
      const audit: AuditEntry[] = [];
      if (membership) {
        // As when leaving; the keys revoked, not just deleted with the user: the log says which
        // keys stopped working and why.
        const revoked = await endMembership(tx, ws, userId, now);
        workspacesLeft += 1;
        audit.push({
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'account.delete',
          target: { type: 'user', id: userId, label: actor.email },
          before: { role: membership.role },
        });
        audit.push(...revokedKeyEntries(actor, ws, actor, revoked, { reason: 'account_delete' }));
      }
      if (heir) {
        const handed = await handOverItems(tx, ws, userId, heir.user_id, now);
        await handOverCreatedBy(tx, ws, userId, heir.user_id);
        itemsHandedOver += handed;
        if (handed > 0) {
          audit.push({
            workspaceId: ws,
            actor: actorRef(actor),
            action: 'items.hand_over',
            target: { type: 'user', id: heir.user_id, label: heir.email },
            before: { ownerId: userId, ownerEmail: actor.email },
            after: { ownerId: heir.user_id, items: handed },
          });
        }
      }
      await insertAuditEvents(tx, audit, now);
    }
    // Their join requests go with the account (a cascade): so do the Super Admins' notifications of them.
    await deleteJoinRequestNotificationsOf(tx, userId);
    await deleteUserRows(tx, userId);
    return { workspacesLeft, itemsHandedOver };
  });
}
