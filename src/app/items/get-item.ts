import type { Item } from '../../contract/items.ts';
import { loadChainWithApiKey, loadChainWithSession } from '../../data/access.repo.ts';
import type { ApiKeyFacts } from '../../data/api-keys.repo.ts';
import type { Db } from '../../data/db.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { decideItem, rootPermissionOn, sessionCaller } from '../gate.ts';
import { presentItem } from './item-access.ts';

/**
 * `GET /api/items/:id` for a session cookie, in one query: the session, the caller's role and the item's chain
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
  const caller = sessionCaller(found.caller.userId);
  const { loaded, permission } = decideItem(caller, found.facts, 'item:view');
  return presentItem(loaded.item, permission, rootPermissionOn(caller, loaded));
}

/**
 * `GET /api/items/:id` for an API key, in one query as `getItemWithSession` does: the key (with its owner and
 * their membership) and the item's chain are read together. `keyActor` decides whether the key may
 * act at all (401 otherwise, whatever the item), as the request path does for every key.
 */
export async function getItemWithApiKey(
  deps: { db: Db },
  keyActor: (key: ApiKeyFacts | null) => Actor,
  keyHash: string,
  id: string,
): Promise<Item> {
  const found = await loadChainWithApiKey(deps.db, keyHash, id);
  const actor = keyActor(found?.key ?? null);
  const { loaded, permission } = decideItem(actor, found?.facts ?? null, 'item:view');
  return presentItem(loaded.item, permission, rootPermissionOn(actor, loaded));
}
