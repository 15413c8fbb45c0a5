import { sql } from 'kysely';
import type { Conn } from './db.ts';
import { newId } from './ids.ts';
import { reusable, reusableByShape, reusableWithList, rowInserter } from './reusable-query.ts';
import type { NotificationsTable } from './schema.ts';
import { placeholders, type WritePart, writeTogether } from './write-together.ts';

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
  const part = notificationsPart(items, now);
  await writeTogether(conn, [part]);
  return part.rows;
}

/** The VALUES list of `notificationsPart` on PostgreSQL: its columns and their types. */
const VALUE_CASTS = ['::text', '::text', '::bigint', '::text', '::text', '::text', '::text', '::bigint'];

/**
 * `insertNotifications` as a part of a use case's `writeTogether`; `rows` are the notifications,
 * each with its `seq` once written. On PostgreSQL the counters' bump and the rows are one statement
 * (the rows take their numbers from the bump's answer); on SQLite the two as before.
 */
export function notificationsPart(
  items: NewNotification[],
  now: number,
): WritePart & { rows: NotificationRow[] } {
  const byUser = new Map<string, NewNotification[]>();
  for (const n of items) {
    const mine = byUser.get(n.userId);
    if (mine) mine.push(n);
    else byUser.set(n.userId, [n]);
  }
  const users = [...byUser.keys()].sort();
  const rows: NotificationRow[] = [];
  /** Each row's seq is its user's counter after the bump minus this. */
  const backs: number[] = [];
  const counterParams: unknown[] = [];
  const rowParams: unknown[] = [];
  for (const userId of users) {
    const mine = byUser.get(userId) as NewNotification[];
    counterParams.push(userId, mine.length);
    mine.forEach((n, i) => {
      const row: NotificationRow = {
        id: newId(now),
        user_id: userId,
        seq: 0,
        workspace_id: n.workspaceId,
        kind: n.kind,
        subject_id: n.subjectId,
        data: JSON.stringify(n.data),
        read_at: null,
        created_at: now,
      };
      rows.push(row);
      const back = mine.length - 1 - i;
      backs.push(back);
      rowParams.push(row.id, userId, back, row.workspace_id, row.kind, row.subject_id, row.data, now);
    });
  }
  return {
    rows,
    key: `notifications:${users.length}:${rows.length}`,
    empty: rows.length === 0,
    params: [...counterParams, ...rowParams],
    ctes(name, first) {
      const counters = users.map((_, u) => `(${placeholders(first + 2 * u, ['', ''])})`).join(', ');
      const from = first + counterParams.length;
      const values = rows
        .map((_, r) => `(${placeholders(from + r * VALUE_CASTS.length, VALUE_CASTS)})`)
        .join(', ');
      return (
        `${name}_c AS (INSERT INTO notification_counters (user_id, seq) VALUES ${counters} ` +
        'ON CONFLICT (user_id) DO UPDATE SET seq = notification_counters.seq + excluded.seq RETURNING user_id, seq), ' +
        `${name} AS (INSERT INTO notifications (id, user_id, seq, workspace_id, kind, subject_id, data, read_at, created_at) ` +
        'SELECT v.id, v.user_id, c.seq - v.back, v.workspace_id, v.kind, v.subject_id, v.data, NULL, v.created_at ' +
        `FROM (VALUES ${values}) AS v(id, user_id, back, workspace_id, kind, subject_id, data, created_at) ` +
        `JOIN ${name}_c c ON c.user_id = v.user_id RETURNING id, seq)`
      );
    },
    select: (name) => `SELECT id, seq FROM ${name}`,
    answered(answer) {
      const seqs = new Map(answer.map((a) => [a.id as string, Number(a.seq)]));
      for (const row of rows) {
        const seq = seqs.get(row.id);
        if (seq === undefined) throw new Error('notifications: a row was not written');
        row.seq = seq;
      }
    },
    async alone(conn) {
      const lasts = new Map<string, number>();
      for (const userId of users) {
        const n = (byUser.get(userId) as NewNotification[]).length;
        const bumped = (await bumpCounter(conn, userId, n)).rows[0];
        if (!bumped) throw new Error('notification counter: no row returned');
        lasts.set(userId, Number(bumped.seq));
      }
      rows.forEach((row, i) => {
        row.seq = (lasts.get(row.user_id) as number) - (backs[i] as number);
      });
      await insertRows(conn, rows);
    },
  };
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
      j.onRef('jr.id', '=', 'n.subject_id').on('n.kind', '=', sql.lit('join_request')),
    )
    .selectAll('n')
    .select(['jr.status as request_status', 'jr.expires_at as request_expires_at']);

/** Which filters a `listNotifications` query has: one compiled query each (data/reusable-query.ts). */
interface ListShape {
  workspace: boolean;
  before: boolean;
  unreadOnly: boolean;
}

const listQuery = reusableByShape({
  key: (s: ListShape) => `${+s.workspace}${+s.before}${+s.unreadOnly}`,
  build:
    (s: ListShape) =>
    (conn: Conn, userId: string, workspaceId: string | null, beforeSeq: number | null, limit: number) =>
      view(conn)
        .where('n.user_id', '=', userId)
        .$if(s.workspace, (b) => b.where('n.workspace_id', '=', workspaceId as string))
        .$if(s.before, (b) => b.where('n.seq', '<', beforeSeq as number))
        .$if(s.unreadOnly, (b) => b.where('n.read_at', 'is', null))
        .orderBy('n.seq', 'desc')
        .limit(limit),
});

/** Newest first, keyset by seq; `workspaceId` limits them to one workspace (an API key's). */
export async function listNotifications(
  conn: Conn,
  userId: string,
  q: { workspaceId: string | null; beforeSeq: number | null; unreadOnly: boolean; limit: number },
): Promise<NotificationView[]> {
  const shape = { workspace: q.workspaceId !== null, before: q.beforeSeq !== null, unreadOnly: q.unreadOnly };
  return (await listQuery(shape)(conn, userId, q.workspaceId, q.beforeSeq, q.limit + 1))
    .rows as NotificationView[];
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

/** The unread count, of one workspace or all: compiled once each (data/reusable-query.ts). */
const unreadQuery = reusableByShape({
  key: (workspace: boolean) => (workspace ? 'workspace' : 'all'),
  build: (workspace: boolean) => (conn: Conn, userId: string, workspaceId: string | null) =>
    conn
      .selectFrom('notifications')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .$if(workspace, (b) => b.where('workspace_id', '=', workspaceId as string)),
});

export async function countUnread(conn: Conn, userId: string, workspaceId: string | null): Promise<number> {
  const row = (await unreadQuery(workspaceId !== null)(conn, userId, workspaceId)).rows[0];
  return Number(row?.n ?? 0);
}

/** Marks the user's unread notifications read (these ids, or all); returns how many turned read. */
export async function markNotificationsRead(
  conn: Conn,
  userId: string,
  which: { ids: string[] } | { all: true },
  workspaceId: string | null,
  now: number,
): Promise<number> {
  const workspace = workspaceId !== null;
  const res =
    'ids' in which
      ? await markIdsRead[workspace ? 'workspace' : 'all'](conn, which.ids, userId, workspaceId, now)
      : await markAllRead(workspace)(conn, userId, workspaceId, now);
  return Number(res.numAffectedRows ?? 0);
}

const markRead = (conn: Conn, userId: string, workspaceId: string | null, now: number, workspace: boolean) =>
  conn
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .$if(workspace, (b) => b.where('workspace_id', '=', workspaceId as string));

/** Every unread one (of one workspace, or all): compiled once each (data/reusable-query.ts). */
const markAllRead = reusableByShape({
  key: (workspace: boolean) => (workspace ? 'workspace' : 'all'),
  build: (workspace: boolean) => (conn: Conn, userId: string, workspaceId: string | null, now: number) =>
    markRead(conn, userId, workspaceId, now, workspace),
});

/** These ones (a list of ids: one compiled text per length, of one workspace or all). */
const markIdsReadIn = (workspace: boolean) =>
  reusableWithList((conn: Conn, ids: string[], userId: string, workspaceId: string | null, now: number) =>
    markRead(conn, userId, workspaceId, now, workspace).where('id', 'in', ids),
  );
const markIdsRead = { workspace: markIdsReadIn(true), all: markIdsReadIn(false) };

/**
 * Deletes a person's notifications about one workspace (they left it or were removed): what is left
 * in their bell is only about where they are. The unread count is counted from these rows, so it
 * drops with them; the person's `notification_counters` row is the last `seq` handed out and is
 * left alone (numbers are never reused: a stream resuming after a deleted one moves past the hole).
 */
export async function deleteNotificationsInWorkspace(
  conn: Conn,
  userId: string,
  workspaceId: string,
): Promise<void> {
  await conn
    .deleteFrom('notifications')
    .where('user_id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/**
 * Deletes the `join_request` notifications (every Super Admin's) about the requests a person made:
 * their account is going, and its requests with it (a cascade), so nothing is left to decide and
 * their name and email leave those bells too. One statement; unread counts and `seq` as in
 * `deleteNotificationsInWorkspace`.
 */
export async function deleteJoinRequestNotificationsOf(conn: Conn, requesterId: string): Promise<void> {
  await conn
    .deleteFrom('notifications')
    .where('kind', '=', 'join_request')
    .where('subject_id', 'in', (eb) =>
      eb.selectFrom('join_requests').select('id').where('user_id', '=', requesterId),
    )
    .execute();
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

/**
 * PostgreSQL: each payload sent on `channel` (`NOTIFY`), all in one statement (the notification
 * bus's `send`: infra/bus.ts). Compiled once (data/reusable-query.ts): the payloads go as one JSON
 * array of strings, however many there are.
 */
const notifyQuery = reusable((conn: Conn, channel: string, payloadsJson: string) => {
  const raw = sql`SELECT pg_notify(${channel}, p) FROM json_array_elements_text(cast(${payloadsJson} as json)) AS t(p)`;
  return { compile: () => raw.compile(conn) };
});

export async function notifyChannel(conn: Conn, channel: string, payloads: readonly string[]): Promise<void> {
  await notifyQuery(conn, channel, JSON.stringify(payloads));
}
