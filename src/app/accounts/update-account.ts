import type { UpdateAccountBody } from '../../contract/account.ts';
import { updateUserName } from '../../data/account.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { refreshMemberName } from '../../data/members.repo.ts';
import { sortKey } from '../../domain/members.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { requireAccountAccess } from '../gate.ts';

/** Renames the signed-in person, and the copies of their name the members view sorts by. */
export async function updateAccount(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: Actor,
  input: UpdateAccountBody,
): Promise<{ name: string }> {
  requireAccountAccess(actor, 'account:update');
  await inTransaction(deps.db, async (tx) => {
    await updateUserName(tx, deps.dialect, actor.userId, input.name, deps.clock.now());
    await refreshMemberName(tx, actor.userId, input.name, sortKey(input.name, actor.email));
  });
  return { name: input.name };
}
