import { sql } from 'kysely';
import type { Conn } from './db.ts';
import { newId } from './ids.ts';
import { reusable, rowInserter } from './reusable-query.ts';
import type { NotificationsTable } from './schema.ts';

export interface NewNotification {
  userId: string;
  workspaceId: string;
  kind: string;
  subjectId: string | null;
  data: unknown;
}

export type NotificationRow = NotificationsTable;

/** A row with the state of what it is about, read at the same time (a join request's status). */
export type NotificationView = NotificationRow & {
  request_status: string | null;
  request_expires_at: number | null;
};

/** A user's counter raised by `n`, answering the new value (compiled once: data/reusable-query.ts). */
const bumpCounter = reusable((conn: Conn, userId: string, n: number) =>
  conn
    .insertInto('notification_counters')
    .values({ user_id: userId, seq: n })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ seq: sql`notification_counters.seq + ${n}` }))
    .returning('seq'),
);

const insertRows = rowInserter('notifications', [
  'id',
  'user_id',
  'seq',
  'workspace_id',
  'kind',
  'subject_id',
  'data',
  'read_at',
  'created_at',
]);

/**
 * Writes notifications in the transaction of their cause. Each user's counter row is bumped (and
 * locked until commit) first, in user order, so one user's notifications commit in `seq` order
 * and their numbers have no holes.
 */
export async function insertNotifications(
  conn: Conn,
  items: NewNotification[],
  now: number,
): Promise<NotificationRow[]> {
  const byUser = new Map<string, NewNotification[]>();
  for (const n of items) byUser.set(n.userId, [...(byUser.get(n.userId) ?? []), n]);
  const rows: NotificationRow[] = [];
  for (const userId of [...byUser.keys()].sort()) {
    const mine = byUser.get(userId) as NewNotification[];
    const bumped = (await bumpCounter(conn, userId, mine.length)).rows[0];
    if (!bumped) throw new Error('notification counter: no row returned');
    const last = bumped.seq;
    mine.forEach((n, i) => {
      rows.push({
        id: newId(now),
        user_id: userId,
        seq: Number(last) - mine.length + 1 + i,
        workspace_id: n.workspaceId,
        kind: n.kind,
        subject_id: n.subjectId,
        data: JSON.stringify(n.data),
        read_at: null,
        created_at: now,
      });
    });
  }
  await insertRows(conn, rows);
  return rows;
}

/** The user's latest notification number (0: none yet). */
export async function findLastSeq(conn: Conn, userId: string): Promise<number> {
  const row = await conn
    .selectFrom('notification_counters')
    .select('seq')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

const view = (conn: Conn) =>
  conn
    .selectFrom('notifications as n')
    .leftJoin('join_requests as jr', (j) =>
      j.onRef('jr.id', '=', 'n.subject_id').on('n.kind', '=', 'join_request'),
    )
    .selectAll('n')
    .select(['jr.status as request_status', 'jr.expires_at as request_expires_at']);

/** Newest first, keyset by seq; `workspaceId` limits them to one workspace (an API key's). */
export async function listNotifications(
  conn: Conn,
  userId: string,
  q: { workspaceId: string | null; beforeSeq: number | null; unreadOnly: boolean; limit: number },
): Promise<NotificationView[]> {
  return (await view(conn)
    .where('n.user_id', '=', userId)
    .$if(q.workspaceId !== null, (b) => b.where('n.workspace_id', '=', q.workspaceId as string))
    .$if(q.beforeSeq !== null, (b) => b.where('n.seq', '<', q.beforeSeq as number))
    .$if(q.unreadOnly, (b) => b.where('n.read_at', 'is', null))
    .orderBy('n.seq', 'desc')
    .limit(q.limit + 1)
    .execute()) as NotificationView[];
}

/** The user's notifications after `afterSeq` (up to `uptoSeq`), oldest first: what a stream missed. */
export async function listNotificationsAfter(
  conn: Conn,
  userId: string,
  afterSeq: number,
  uptoSeq: number | null,
  limit: number,
): Promise<NotificationView[]> {
  return (await view(conn)
    .where('n.user_id', '=', userId)
    .where('n.seq', '>', afterSeq)
    .$if(uptoSeq !== null, (b) => b.where('n.seq', '<=', uptoSeq as number))
    .orderBy('n.seq')
    .limit(limit)
    .execute()) as NotificationView[];
}

export async function countUnread(conn: Conn, userId: string, workspaceId: string | null): Promise<number> {
  const row = await conn
    .selectFrom('notifications')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .$if(workspaceId !== null, (b) => b.where('workspace_id', '=', workspaceId as string))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the user's unread notifications read (these ids, or all); returns how many turned read. */
export async function markNotificationsRead(
  conn: Conn,
  userId: string,
  which: { ids: string[] } | { all: true },
  workspaceId: string | null,
  now: number,
): Promise<number> {
  const res = await conn
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .$if('ids' in which, (b) => b.where('id', 'in', (which as { ids: string[] }).ids))
    .$if(workspaceId !== null, (b) => b.where('workspace_id', '=', workspaceId as string))
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Whether the user has an unread notification of this kind in the workspace (to not repeat one). */
export async function hasUnread(conn: Conn, userId: string, workspaceId: string, kind: string) {
  const row = await conn
    .selectFrom('notifications')
    .select('id')
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
