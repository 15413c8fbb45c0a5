import type { Item } from '../../contract/items.ts';
import type { Db } from '../../data/db.ts';
import type { Actor } from '../actor.ts';
import { loadItemFor, presentItem } from './item-access.ts';

export async function getItem(deps: { db: Db }, actor: Actor, id: string): Promise<Item> {
  const { loaded, permission } = await loadItemFor(deps.db, actor, id, 'item:view');
  return presentItem(loaded.item, permission);
}
