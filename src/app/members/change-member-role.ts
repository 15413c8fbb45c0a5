import type { MemberRow } from '../../contract/members.ts';
import type { Role } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import { revokeApiKeysOfUser } from '../../data/api-keys.repo.ts';
import { auditPart } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { countSuperAdmins, membershipRolePart } from '../../data/members.repo.ts';
import { writeTogether } from '../../data/write-together.ts';
import { notFound } from '../../domain/errors.ts';
import { assertKeepsASuperAdmin } from '../../domain/members.ts';
import { can } from '../../domain/roles.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { revokedKeyEntries } from '../audit/revoked-keys.ts';
import { requireAccess, requireAccessUnderLock } from '../gate.ts';

/** A Super Admin gives a member another role. The last Super Admin cannot be demoted. */
export async function changeMemberRole(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: WorkspaceActor,
  input: { userId: string; role: Role },
): Promise<MemberRow> {
  requireAccess(actor, 'members:manage');
  const ws = actor.workspaceId;
  return inTransaction(deps.db, async (tx) => {
    const target = await requireAccessUnderLock(tx, deps.dialect, actor, 'members:manage', input.userId);
    if (!target) throw notFound('Member');
    const now = deps.clock.now();
    if (target.role !== input.role) {
      if (target.role === 'super_admin') {
        assertKeepsASuperAdmin(await countSuperAdmins(tx, ws), target.role, input.role);
      }
      // A key acts with its owner's current role; below Developer it dies for good (no revival on
      // re-promotion). Only a member who had API access can have live keys: between Creator and
      // Viewer there is nothing to revoke (and a stray key could not act: its owner's role is
      // checked on every use). Each revoked key is audited (SPEC §9), so the revoke answers which:
      // a statement of its own, only on such a demotion.
      const revoked =
        can(target.role, 'api:access') && !can(input.role, 'api:access')
          ? await revokeApiKeysOfUser(tx, ws, input.userId, now)
          : [];
      // The role and the audit entries: one statement on PostgreSQL.
      await writeTogether(
        tx,
        [
          membershipRolePart(tx, ws, input.userId, input.role),
          auditPart(
            [
              {
                workspaceId: ws,
                actor: actorRef(actor),
                action: 'member.role_change',
                target: { type: 'user', id: input.userId, label: target.email },
                before: { role: target.role },
                after: { role: input.role },
              },
              ...revokedKeyEntries(actor, ws, target, revoked, { reason: 'role_change', role: input.role }),
            ],
            now,
          ),
        ],
        { last: true },
      );
    }
    return {
      userId: input.userId,
      email: target.email,
      name: target.name,
      role: input.role,
      status: 'active',
      createdAt: isoTime(target.created_at),
    };
  });
}
