import type { Account } from '../../contract/account.ts';
import type { Role } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import { findUserCreatedAt, listSoleAdminWorkspaces } from '../../data/account.repo.ts';
import type { Db } from '../../data/db.ts';
import { listOwnPendingJoinRequests } from '../../data/join-requests.repo.ts';
import { deletionDecision, initialsOf } from '../../domain/account.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { requireAccountAccess } from '../gate.ts';

/**
 * The account page (SPEC §1): who you are, your avatar's initials, and whether you may delete the
 * account now (not while the only Super Admin of a workspace, named), so the page can say why
 * before anyone confirms anything; and their requests to join workspaces that are still waiting.
 */
export async function getAccount(deps: { db: Db; clock: Clock }, actor: Actor): Promise<Account> {
  requireAccountAccess(actor, 'account:view');
  const createdAt = await findUserCreatedAt(deps.db, actor.userId);
  if (createdAt === null) throw notFound('Account');
  const soleAdminOf = await listSoleAdminWorkspaces(deps.db, actor.userId);
  const requests = await listOwnPendingJoinRequests(deps.db, actor.userId, deps.clock.now());
  return {
    id: actor.userId,
    email: actor.email,
    name: actor.name,
    emailVerified: actor.emailVerified,
    initials: initialsOf(actor.name, actor.email),
    createdAt: isoTime(createdAt),
    joinRequests: requests.map((r) => ({
      id: r.id,
      workspace: { id: r.workspace_id, name: r.workspace_name },
      role: r.role as Role,
      createdAt: isoTime(r.created_at),
    })),
    deletion: { ...deletionDecision(soleAdminOf), soleAdminOf },
  };
}
