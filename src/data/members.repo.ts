import { sql } from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn, Dialect } from './db.ts';
import { reusable } from './reusable-query.ts';

export interface NewMembership {
  workspaceId: string;
  userId: string;
  role: Role;
  email: string;
  name: string;
  sortKey: string;
}

/** Makes someone a member (seat already claimed), closing any invitation still pending for their email. */
export async function insertMembership(conn: Conn, m: NewMembership, now: number): Promise<void> {
  await conn
    .insertInto('memberships')
    .values({
      workspace_id: m.workspaceId,
      user_id: m.userId,
      role: m.role,
      email: m.email,
      name: m.name,
      sort_key: m.sortKey,
      created_at: now,
    })
    .execute();
  // A member has no invitation left waiting (joined by link or by approval after being invited):
  // it is fulfilled, and its link stops working.
  await conn
    .updateTable('invitations')
    .set({ status: 'accepted', accepted_by: m.userId, updated_at: now })
    .where('workspace_id', '=', m.workspaceId)
    .where('email', '=', m.email)
    .where('status', '=', 'pending')
    .execute();
}

/** The gate's membership lookup (compiled once: data/reusable-query.ts). */
const membershipQuery = reusable((conn: Conn, workspaceId: string, userId: string) =>
  conn
    .selectFrom('memberships')
    .select(['user_id', 'role', 'email', 'name', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId),
);

export async function findMembership(
  conn: Conn,
  workspaceId: string,
  userId: string,
): Promise<{ user_id: string; role: Role; email: string; name: string; created_at: number } | undefined> {
  return (await membershipQuery(conn, workspaceId, userId)).rows[0] as
    | { user_id: string; role: Role; email: string; name: string; created_at: number }
    | undefined;
}

export async function findMembershipByEmail(conn: Conn, workspaceId: string, email: string) {
  return conn
    .selectFrom('memberships')
    .select(['user_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', email)
    .executeTakeFirst();
}

/**
 * Takes the workspace's write lock for the rest of the transaction: a row lock on PostgreSQL.
 * On SQLite every transaction already runs alone (one connection, serialized by the driver).
 */
export async function lockWorkspace(conn: Conn, dialect: Dialect, workspaceId: string): Promise<boolean> {
  if (dialect === 'postgres') {
    const row = await conn
      .selectFrom('workspaces')
      .select('id')
      .where('id', '=', workspaceId)
      .forUpdate()
      .executeTakeFirst();
    return row !== undefined;
  }
  const row = await conn
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countSuperAdmins(conn: Conn, workspaceId: string): Promise<number> {
  const row = await conn
    .selectFrom('memberships')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'super_admin')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateMembershipRole(
  conn: Conn,
  workspaceId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await conn
    .updateTable('memberships')
    .set({ role })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}

export async function deleteMembership(conn: Conn, workspaceId: string, userId: string): Promise<boolean> {
  const res = await conn
    .deleteFrom('memberships')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** The seat invariant (SPEC §4.6), in one statement: false when no seat is free. */
export async function claimSeat(conn: Conn, workspaceId: string): Promise<boolean> {
  const res = await conn
    .updateTable('workspaces')
    .set({ seats_used: sql`seats_used + 1` })
    .where('id', '=', workspaceId)
    .whereRef('seats_used', '<', 'seat_limit')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function releaseSeat(conn: Conn, workspaceId: string): Promise<void> {
  await conn
    .updateTable('workspaces')
    .set({ seats_used: sql`seats_used - 1` })
    .where('id', '=', workspaceId)
    .where('seats_used', '>', 0)
    .execute();
}

/** Keeps the copies of a user's name in their memberships and join requests current. */
export async function refreshMemberName(
  conn: Conn,
  userId: string,
  name: string,
  sortKey: string,
): Promise<void> {
  await conn
    .updateTable('memberships')
    .set({ name, sort_key: sortKey })
    .where('user_id', '=', userId)
    .execute();
  await conn
    .updateTable('join_requests')
    .set({ name, sort_key: sortKey })
    .where('user_id', '=', userId)
    .where('status', '=', 'pending')
    .execute();
}

export interface MembersViewRow {
  kind: 'member' | 'invitation' | 'request';
  id: string;
  email: string;
  name: string | null;
  role: Role;
  sort_key: string;
  row_key: string;
  created_at: number;
  expires_at: number | null;
}

export interface MembersViewQuery {
  /** Lower-cased search text, matched anywhere in the name or email. */
  q: string | null;
  after: { sortKey: string; rowKey: string } | null;
  limit: number;
  /** Leave out invitations and join requests (for callers who may not manage members). */
  membersOnly: boolean;
  /** Join requests that lapsed by now are left out. */
  now: number;
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Which optional parts a members view query has: each shape is one SQL text. */
interface MembersViewShape {
  search: boolean;
  after: boolean;
  membersOnly: boolean;
}

/**
 * The members view query of one shape. Every value is an argument (`status = 'pending'` is part of
 * the text: on SQLite a bound value the planner looks at, for the partial index, makes the
 * statement prepare itself again on every run; on PostgreSQL only a literal matches the partial
 * index in a generic plan).
 */
const membersViewBuilder =
  (shape: MembersViewShape) =>
  (
    conn: Conn,
    workspaceId: string,
    pattern: string,
    sortKey: string,
    rowKey: string,
    take: number,
    now: number,
  ) => {
    const pending = sql.lit('pending' as const);
    const members = conn
      .selectFrom('memberships')
      .select([
        sql<string>`'member'`.as('kind'),
        'user_id as id',
        'email',
        sql<string | null>`${sql.ref('name')}`.as('name'),
        'role',
        'sort_key',
        sql<string>`'m:' || user_id`.as('row_key'),
        'created_at',
        sql<number | null>`cast(null as bigint)`.as('expires_at'),
      ])
      .where('workspace_id', '=', workspaceId)
      .$if(shape.search, (q) =>
        q.where((e) =>
          e.or([
            sql<boolean>`sort_key like ${pattern} escape '\\'`,
            sql<boolean>`email like ${pattern} escape '\\'`,
          ]),
        ),
      )
      .$if(shape.after, (q) =>
        q
          .where('sort_key', '>=', sortKey)
          .where((e) => e.or([e('sort_key', '>', sortKey), e(sql`'m:' || user_id`, '>', rowKey)])),
      )
      .orderBy('sort_key')
      .orderBy('user_id')
      .limit(take);
    if (shape.membersOnly) return members;

    const invitations = conn
      .selectFrom('invitations')
      .select([
        sql<string>`'invitation'`.as('kind'),
        'id',
        'email',
        sql<string | null>`cast(null as text)`.as('name'),
        'role',
        'email as sort_key',
        sql<string>`'i:' || id`.as('row_key'),
        'created_at',
        sql<number | null>`${sql.ref('expires_at')}`.as('expires_at'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', pending)
      .$if(shape.search, (q) => q.where(sql<boolean>`email like ${pattern} escape '\\'`))
      .$if(shape.after, (q) =>
        q
          .where('email', '>=', sortKey)
          .where((e) => e.or([e('email', '>', sortKey), e(sql`'i:' || id`, '>', rowKey)])),
      )
      .orderBy('email')
      .orderBy('id')
      .limit(take);

    const requests = conn
      .selectFrom('join_requests')
      .select([
        sql<string>`'request'`.as('kind'),
        'id',
        'email',
        sql<string | null>`${sql.ref('name')}`.as('name'),
        'role',
        'sort_key',
        sql<string>`'r:' || id`.as('row_key'),
        'created_at',
        sql<number | null>`${sql.ref('expires_at')}`.as('expires_at'),
      ])
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', pending)
      // A lapsed request is gone from the view (the person can ask again).
      .where('expires_at', '>', now)
      .$if(shape.search, (q) =>
        q.where((e) =>
          e.or([
            sql<boolean>`sort_key like ${pattern} escape '\\'`,
            sql<boolean>`email like ${pattern} escape '\\'`,
          ]),
        ),
      )
      .$if(shape.after, (q) =>
        q
          .where('sort_key', '>=', sortKey)
          .where((e) => e.or([e('sort_key', '>', sortKey), e(sql`'r:' || id`, '>', rowKey)])),
      )
      .orderBy('sort_key')
      .orderBy('id')
      .limit(take);

    // SQLite allows ORDER BY/LIMIT in a compound select only in subqueries: wrap each branch.
    const union = conn
      .selectFrom(members.as('a'))
      .selectAll()
      .unionAll(conn.selectFrom(invitations.as('b')).selectAll())
      .unionAll(conn.selectFrom(requests.as('c')).selectAll());
    return conn.selectFrom(union.as('u')).selectAll().orderBy('sort_key').orderBy('row_key').limit(take);
  };

/**
 * One compiled query per shape (8 at most). Without a search term it runs as a prepared statement
 * on PostgreSQL (planned once per connection). With one it is planned for each term: the plan
 * that suits a term matching a few rows (scan and sort) is not the one for a term matching many
 * (walk the index in order until the page is full), and a prepared statement would settle on one.
 */
const membersViewQueries = new Map<string, ReturnType<typeof reusableMembersView>>();
const reusableMembersView = (shape: MembersViewShape) =>
  reusable(membersViewBuilder(shape), { prepared: !shape.search });

/**
 * The members view (SPEC §4.1): active members, live invitations and pending join requests of one
 * workspace in one list, ordered by (sort_key, row_key), one keyset page. Each branch walks its own
 * index from the cursor and stops at `limit + 1` rows, so a page costs the same at row 50 or 9,950.
 */
export async function listMembersView(
  conn: Conn,
  workspaceId: string,
  query: MembersViewQuery,
): Promise<MembersViewRow[]> {
  const shape: MembersViewShape = {
    search: Boolean(query.q),
    after: query.after !== null,
    membersOnly: query.membersOnly,
  };
  const key = `${+shape.search}${+shape.after}${+shape.membersOnly}`;
  let run = membersViewQueries.get(key);
  if (!run) {
    run = reusableMembersView(shape);
    membersViewQueries.set(key, run);
  }
  const { rows } = await run(
    conn,
    workspaceId,
    query.q ? likePattern(query.q) : '',
    query.after?.sortKey ?? '',
    query.after?.rowKey ?? '',
    query.limit + 1,
    query.now,
  );
  return rows as MembersViewRow[];
}

export async function listSuperAdmins(conn: Conn, workspaceId: string) {
  return conn
    .selectFrom('memberships')
    .select(['user_id', 'name', 'email', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'super_admin')
    .orderBy('created_at')
    .orderBy('user_id')
    .execute();
}

export async function listMembersByIds(conn: Conn, workspaceId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return conn
    .selectFrom('memberships')
    .select(['user_id', 'name', 'email', 'role'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', userIds)
    .execute();
}
