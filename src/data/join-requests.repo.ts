import { type Selectable, sql } from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn } from './db.ts';
import { PENDING } from './pending.ts';
import { reusable, reusableByShape } from './reusable-query.ts';
import type { JoinRequestsTable } from './schema.ts';

export type JoinRequestRow = Selectable<JoinRequestsTable>;

/** The user's pending request in the workspace, lapsed or not (at most one: a partial unique index). */
export async function findPendingJoinRequest(
  conn: Conn,
  workspaceId: string,
  userId: string,
): Promise<JoinRequestRow | undefined> {
  return conn
    .selectFrom('join_requests')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('status', '=', PENDING)
    .executeTakeFirst();
}

export async function findJoinRequest(
  conn: Conn,
  workspaceId: string,
  id: string,
): Promise<JoinRequestRow | undefined> {
  return conn
    .selectFrom('join_requests')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Whether the person made another request in the workspace (any status) since `since`: the
 * request `exceptId` is the one being made.
 */
export async function askedSince(
  conn: Conn,
  workspaceId: string,
  userId: string,
  exceptId: string,
  since: number,
): Promise<boolean> {
  const row = await conn
    .selectFrom('join_requests')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .where('id', '<>', exceptId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertJoinRequest(conn: Conn, row: JoinRequestRow): Promise<void> {
  await conn.insertInto('join_requests').values(row).execute();
}

/** A lapsed pending request asked again: it counts from now, with the link's current role. */
export async function renewJoinRequest(
  conn: Conn,
  workspaceId: string,
  id: string,
  patch: { role: Role; name: string; sortKey: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await conn
    .updateTable('join_requests')
    .set({
      role: patch.role,
      name: patch.name,
      sort_key: patch.sortKey,
      created_at: patch.createdAt,
      expires_at: patch.expiresAt,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', PENDING)
    .execute();
}

/**
 * Decides a request once: only a pending, unexpired request turns approved or denied (one winner
 * when two Super Admins click at once). Run it in the transaction that acts on the decision.
 */
export async function decideJoinRequest(
  conn: Conn,
  workspaceId: string,
  id: string,
  decision: 'approved' | 'denied',
  decidedBy: string,
  now: number,
) {
  return conn
    .updateTable('join_requests')
    .set({ status: decision, decided_by: decidedBy, decided_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', PENDING)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** The first page or a later one (after a cursor): compiled once each (data/reusable-query.ts). */
const pendingPage = reusableByShape({
  key: (after: boolean) => (after ? 'after' : 'first'),
  build:
    (after: boolean) =>
    (
      conn: Conn,
      workspaceId: string,
      now: number,
      beforeAt: number | null,
      beforeId: string | null,
      limit: number,
    ) =>
      conn
        .selectFrom('join_requests')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', PENDING)
        .where('expires_at', '>', now)
        .$if(after, (b) =>
          b.where((e) =>
            e.or([
              e('created_at', '<', beforeAt as number),
              e.and([e('created_at', '=', beforeAt as number), e('id', '<', beforeId as string)]),
            ]),
          ),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit),
});

/**
 * A person's own live requests (pending, not lapsed) with their workspaces' names, newest first: the
 * account answer, so the join page and the workspaces page can say a request is waiting. A person
 * has at most one pending request a workspace; found through their requests' index (migration 0052).
 */
export async function listOwnPendingJoinRequests(conn: Conn, userId: string, now: number) {
  return conn
    .selectFrom('join_requests as r')
    .innerJoin('workspaces as w', 'w.id', 'r.workspace_id')
    .select(['r.id', 'r.role', 'r.created_at', 'w.id as workspace_id', 'w.name as workspace_name'])
    .where('r.user_id', '=', userId)
    .where('r.status', '=', PENDING)
    .where('r.expires_at', '>', now)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
}

/**
 * Live pending requests, newest first: by when they were made, keyset (created_at, id). Not by id
 * alone: a lapsed request asked again keeps its id and is made anew (`renewJoinRequest`).
 */
export async function listPendingJoinRequests(
  conn: Conn,
  workspaceId: string,
  q: { before: { at: number; id: string } | null; limit: number; now: number },
): Promise<JoinRequestRow[]> {
  const page = pendingPage(q.before !== null);
  return (await page(conn, workspaceId, q.now, q.before?.at ?? null, q.before?.id ?? null, q.limit + 1)).rows;
}

/** Someone who became a member another way (the link with approval off, an invitation): their request is done. */
export async function closePendingJoinRequest(
  conn: Conn,
  workspaceId: string,
  userId: string,
  now: number,
): Promise<void> {
  await closePendingQuery(conn, workspaceId, userId, now);
}
const closePendingQuery = reusable((conn: Conn, workspaceId: string, userId: string, now: number) =>
  conn
    .updateTable('join_requests')
    .set({ status: sql.lit('approved'), decided_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('status', '=', PENDING),
);
