import type { Item } from '../../contract/items.ts';
import { loadChainWithSession } from '../../data/access.repo.ts';
import type { Db } from '../../data/db.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { decideItem, requireItem, sessionCaller } from '../gate.ts';
import { presentItem } from './item-access.ts';

export async function getItem(deps: { db: Db }, actor: Actor, id: string): Promise<Item> {
  const { loaded, permission } = await requireItem(deps.db, actor, 'item:view', id);
  return presentItem(loaded.item, permission);
}

/**
 * `getItem` for a session cookie, in one query: the session, the caller's role and the item's chain
 * are read together (the hottest read; one round trip instead of two). The session is checked
 * first, as the request path would: unknown or expired -> 401, whatever the item.
 */
export async function getItemWithSession(
  deps: { db: Db; clock: Clock },
  sessionToken: string,
  id: string,
): Promise<Item> {
  const found = await loadChainWithSession(deps.db, sessionToken, id);
  if (!found || found.caller.expiresAt <= deps.clock.now())
    throw new DomainError('unauthenticated', 'Sign in to continue');
  const { loaded, permission } = decideItem(sessionCaller(found.caller.userId), found.facts, 'item:view');
  return presentItem(loaded.item, permission);
}
