import type { ChangePasswordBody } from '../../contract/account.ts';
import { deleteSessionsOfUser, findPasswordHash, updatePasswordHash } from '../../data/account.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { DomainError, invalid } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '../../infra/passwords.ts';
import type { Actor } from '../actor.ts';
import { requireAccountAccess } from '../gate.ts';

/**
 * Checks the account's password (400 naming `field` when wrong; the route is rate limited like
 * sign-in). An account without a password costs the same time and gets the same answer.
 */
export async function requireOwnPassword(db: Db, userId: string, password: string, field: string) {
  const stored = await findPasswordHash(db, userId);
  const ok = stored ? await verifyPassword(stored, password) : await verifyAgainstDecoy(password);
  if (!ok) throw invalid(field, 'That is not your current password');
}

/**
 * Changes the signed-in person's password: the current one must be right, the new one follows
 * the sign-up rules (8-128 characters) and must differ (both checked by ChangePasswordBody, at the
 * route and on the account page). Every other session ends unless asked not
 * to (someone who knew the old password is locked out at once); this one stays signed in.
 */
export async function changePassword(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: Actor,
  input: ChangePasswordBody,
): Promise<{ signedOutSessions: number }> {
  const { sessionId } = requireAccountAccess(actor, 'password:change');
  await requireOwnPassword(deps.db, actor.userId, input.currentPassword, 'currentPassword');
  const hash = await hashPassword(input.newPassword);
  return inTransaction(deps.db, async (tx) => {
    if (!(await updatePasswordHash(tx, deps.dialect, actor.userId, hash, deps.clock.now()))) {
      throw new DomainError('conflict', 'This account has no password to change');
    }
    const signedOutSessions =
      input.signOutOtherSessions && sessionId ? await deleteSessionsOfUser(tx, actor.userId, sessionId) : 0;
    return { signedOutSessions };
  });
}
