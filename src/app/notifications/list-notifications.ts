import type { NotificationList } from '../../contract/notifications.ts';
import type { Db } from '../../data/db.ts';
import { countUnread, listNotifications as listRows } from '../../data/notifications.repo.ts';
import { invalid } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { notificationReach } from '../gate.ts';
import { decodeCursor, encodeCursor } from '../members/cursor.ts';
import { presentNotification } from './notify.ts';

/** The caller's notifications, newest first, with the unread count for the bell. */
export async function listNotifications(
  deps: { db: Db; clock: Clock },
  actor: Actor,
  input: { cursor?: string; limit: number; unread: boolean },
): Promise<NotificationList> {
  const reach = notificationReach(actor);
  const before = input.cursor ? Number(decodeCursor(input.cursor, 1)[0]) : null;
  if (before !== null && !Number.isSafeInteger(before))
    throw invalid('cursor', 'Not a cursor this API gave out');
  const [rows, unread] = await Promise.all([
    listRows(deps.db, reach.userId, {
      workspaceId: reach.workspaceId,
      beforeSeq: before,
      unreadOnly: input.unread,
      limit: input.limit,
    }),
    countUnread(deps.db, reach.userId, reach.workspaceId),
  ]);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const now = deps.clock.now();
  return {
    notifications: page.map((r) => presentNotification(r, now)),
    nextCursor: rows.length > input.limit && last ? encodeCursor([String(last.seq)]) : null,
    unread,
  };
}
