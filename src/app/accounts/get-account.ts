import type { Account } from '../../contract/account.ts';
import { isoTime } from '../../contract/time.ts';
import { findUserCreatedAt, listSoleAdminWorkspaces } from '../../data/account.repo.ts';
import type { Db } from '../../data/db.ts';
import { deletionDecision, initialsOf } from '../../domain/account.ts';
import { notFound } from '../../domain/errors.ts';
import type { Actor } from '../actor.ts';
import { requireAccountAccess } from '../gate.ts';

/**
 * The account page (SPEC §1): who you are, your avatar's initials, and whether you may delete the
 * account now (not while the only Super Admin of a workspace, named), so the page can say why
 * before anyone confirms anything.
 */
export async function getAccount(deps: { db: Db }, actor: Actor): Promise<Account> {
  requireAccountAccess(actor, 'account:view');
  const createdAt = await findUserCreatedAt(deps.db, actor.userId);
  if (createdAt === null) throw notFound('Account');
  const soleAdminOf = await listSoleAdminWorkspaces(deps.db, actor.userId);
  return {
    id: actor.userId,
    email: actor.email,
    name: actor.name,
    emailVerified: actor.emailVerified,
    initials: initialsOf(actor.name, actor.email),
    createdAt: isoTime(createdAt),
    deletion: { ...deletionDecision(soleAdminOf), soleAdminOf },
  };
}
