import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { handOverItems } from '../../data/items.repo.ts';
import {
  countSuperAdmins,
  findMembership,
  listSuperAdmins,
  lockWorkspace,
  type MembershipRow,
} from '../../data/members.repo.ts';
import { notFound } from '../../domain/errors.ts';
import { assertKeepsASuperAdmin } from '../../domain/members.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { revokedKeyEntries } from '../audit/revoked-keys.ts';
import { requireAccess, requireAccessUnderLock } from '../gate.ts';
import { endMembership } from './end-membership.ts';

/**
 * Removes a member (Super Admins), or leaves (anyone, with their own id). The seat is freed, their
 * API keys for the workspace are revoked (each audited), their notifications about the workspace
 * are deleted, and their next request to it is refused. The last Super Admin can do neither.
 */
export async function removeMember(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: WorkspaceActor,
  input: { userId: string },
): Promise<void> {
  const leaving = input.userId === actor.userId;
  if (leaving) requireAccess(actor, 'member:leave');
  else requireAccess(actor, 'members:manage');
  const ws = actor.workspaceId;
  await inTransaction(deps.db, async (tx) => {
    let target: MembershipRow | undefined;
    if (leaving) {
      if (!(await lockWorkspace(tx, deps.dialect, ws))) throw notFound('Workspace');
      target = await findMembership(tx, ws, input.userId);
    } else target = await requireAccessUnderLock(tx, deps.dialect, actor, 'members:manage', input.userId);
    if (!target) throw notFound('Member');
    if (target.role === 'super_admin')
      assertKeepsASuperAdmin(await countSuperAdmins(tx, ws), target.role, null);
    const now = deps.clock.now();
    const revoked = await endMembership(tx, ws, input.userId, now);
    // Their items pass to the Super Admin who removed them; when they leave, to the longest-serving one.
    const heir = leaving
      ? (await listSuperAdmins(tx, ws)).find((a) => a.user_id !== input.userId)
      : { user_id: actor.userId, email: actor.email };
    const handedOver = heir ? await handOverItems(tx, ws, input.userId, heir.user_id, now) : 0;
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: leaving ? 'member.leave' : 'member.remove',
          target: { type: 'user', id: input.userId, label: target.email },
          before: { role: target.role },
        },
        ...revokedKeyEntries(actor, ws, target, revoked, {
          reason: leaving ? 'member_leave' : 'member_remove',
        }),
        ...(heir && handedOver > 0
          ? [
              {
                workspaceId: ws,
                actor: actorRef(actor),
                action: 'items.hand_over' as const,
                target: { type: 'user', id: heir.user_id, label: heir.email },
                before: { ownerId: input.userId, ownerEmail: target.email },
                after: { ownerId: heir.user_id, items: handedOver },
              },
            ]
          : []),
      ],
      now,
    );
  });
}
