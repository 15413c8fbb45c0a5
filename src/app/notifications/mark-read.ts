import type { MarkReadBody } from '../../contract/notifications.ts';
import type { Db } from '../../data/db.ts';
import { countUnread, markNotificationsRead } from '../../data/notifications.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { notificationReach } from '../gate.ts';

/** Marks some (by id) or all of the caller's notifications read; others' ids are left alone. */
export async function markRead(deps: { db: Db; clock: Clock }, actor: Actor, input: MarkReadBody) {
  const reach = notificationReach(actor);
  const marked = await markNotificationsRead(
    deps.db,
    reach.userId,
    input,
    reach.workspaceId,
    deps.clock.now(),
  );
  return { marked, unread: await countUnread(deps.db, reach.userId, reach.workspaceId) };
}
