import {
  CompiledQuery,
  type Expression,
  type QueryCreator,
  type RawBuilder,
  SqliteAdapter,
  sql,
} from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn, Dialect } from './db.ts';
import { PENDING } from './pending.ts';
import { reusable, reusableByShape, rowInserter } from './reusable-query.ts';
import { type Database, MEMBERS_SEARCH_RANGE as SEARCH_RANGE } from './schema.ts';
import type { WorkspaceRow } from './workspaces.repo.ts';
import type { WritePart } from './write-together.ts';

export interface NewMembership {
  workspaceId: string;
  userId: string;
  role: Role;
  email: string;
  name: string;
  sortKey: string;
}

const membershipRows = rowInserter('memberships', [
  'workspace_id',
  'user_id',
  'role',
  'email',
  'name',
  'sort_key',
  'created_at',
]);
const rowOf = (m: NewMembership, now: number) => ({
  workspace_id: m.workspaceId,
  user_id: m.userId,
  role: m.role,
  email: m.email,
  name: m.name,
  sort_key: m.sortKey,
  created_at: now,
});
const fulfilInvitationQuery = reusable(
  (conn: Conn, workspaceId: string, email: string, userId: string, now: number) =>
    conn
      .updateTable('invitations')
      .set({ status: sql.lit('accepted'), accepted_by: userId, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', email)
      .where('status', '=', PENDING),
);

/**
 * Makes someone a member (seat already claimed), closing any invitation still pending for their
 * email. `opts.invitationClaimed`: the caller has just claimed that invitation (accepting it), and
 * there is at most one pending per address and workspace (migration 0001), so none is left to close.
 */
export async function insertMembership(
  conn: Conn,
  m: NewMembership,
  now: number,
  opts: { invitationClaimed?: boolean } = {},
): Promise<void> {
  await membershipRows(conn, [rowOf(m, now)]);
  // A member has no invitation left waiting (joined by link or by approval after being invited):
  // it is fulfilled, and its link stops working.
  if (!opts.invitationClaimed) await fulfilInvitationQuery(conn, m.workspaceId, m.email, m.userId, now);
}

/**
 * `insertMembership` with `invitationClaimed` (the caller has just claimed the member's invitation)
 * as a part of a use case's `writeTogether`.
 */
export const claimedMembershipPart = (m: NewMembership, now: number): WritePart =>
  membershipRows.part([rowOf(m, now)]);

/** The gate's membership lookup (compiled once: data/reusable-query.ts). */
const membershipQuery = reusable((conn: Conn, workspaceId: string, userId: string) =>
  conn
    .selectFrom('memberships')
    .select(['user_id', 'role', 'email', 'name', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId),
);

export type MembershipRow = { user_id: string; role: Role; email: string; name: string; created_at: number };

export async function findMembership(
  conn: Conn,
  workspaceId: string,
  userId: string,
): Promise<MembershipRow | undefined> {
  return (await membershipQuery(conn, workspaceId, userId)).rows[0] as MembershipRow | undefined;
}

/** The memberships of two people in one workspace (SQLite: its transactions already run alone). */
const membershipPairQuery = reusable((conn: Conn, workspaceId: string, a: string, b: string) =>
  conn
    .selectFrom('memberships')
    .select(['user_id', 'role', 'email', 'name', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', [a, b]),
);

export async function findMembershipByEmail(conn: Conn, workspaceId: string, email: string) {
  return conn
    .selectFrom('memberships')
    .select(['user_id', 'role'])
    .where('workspace_id', '=', workspaceId)
    .where('email', '=', email)
    .executeTakeFirst();
}

const lockQuery = {
  postgres: reusable((conn: Conn, workspaceId: string) =>
    conn.selectFrom('workspaces').selectAll().where('id', '=', workspaceId).forUpdate(),
  ),
  sqlite: reusable((conn: Conn, workspaceId: string) =>
    conn.selectFrom('workspaces').selectAll().where('id', '=', workspaceId),
  ),
};

/**
 * The workspace's write lock and two people's memberships of it, in one statement. On PostgreSQL
 * the memberships are locked too (FOR UPDATE): a statement that waited for the workspace's lock
 * reads the rows as its snapshot had them, from before the wait, but a row it locks it reads as
 * last committed, so a role changed by the transaction it waited for is seen. (A membership added
 * meanwhile is not: the person was not a member when the change was asked.)
 */
const lockedPairQuery = {
  postgres: reusable((conn: Conn, workspaceId: string, a: string, b: string) =>
    conn
      .with('w', (db) => db.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forUpdate())
      .selectFrom('memberships')
      .select(['user_id', 'role', 'email', 'name', 'created_at'])
      .where('workspace_id', '=', (eb) => eb.selectFrom('w').select('id'))
      .where('user_id', 'in', [a, b])
      .forUpdate(),
  ),
  sqlite: membershipPairQuery,
};

/**
 * `lockWorkspace` and the memberships of two people (each, or undefined) in one statement: one
 * round trip fewer with the workspace locked. No rows when there is no such workspace.
 */
export async function lockWithMembershipPair(
  conn: Conn,
  dialect: Dialect,
  workspaceId: string,
  a: string,
  b: string,
): Promise<[MembershipRow | undefined, MembershipRow | undefined]> {
  const rows = (await lockedPairQuery[dialect](conn, workspaceId, a, b)).rows as MembershipRow[];
  return [rows.find((r) => r.user_id === a), rows.find((r) => r.user_id === b)];
}

/**
 * Takes the workspace's write lock for the rest of the transaction (a row lock on PostgreSQL; on
 * SQLite every transaction already runs alone: one connection, serialized by the driver) and
 * answers the workspace's row as locked, or undefined when there is no such workspace.
 */
export async function lockWorkspace(
  conn: Conn,
  dialect: Dialect,
  workspaceId: string,
): Promise<WorkspaceRow | undefined> {
  return (await lockQuery[dialect](conn, workspaceId)).rows[0];
}

/**
 * `lockQuery.postgres` for the workspace of an item (an item never changes workspace), taken only
 * when the caller is a member of it: the lock comes before the gate's check, so someone who merely
 * knows an item's id locks nothing in a workspace that is not theirs (the gate then refuses them).
 */
const lockItemWorkspaceQuery = reusable((conn: Conn, itemId: string, userId: string) =>
  conn
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', (eb) => eb.selectFrom('items').select('workspace_id').where('id', '=', itemId))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('memberships')
          .select('memberships.user_id')
          .whereRef('memberships.workspace_id', '=', 'workspaces.id')
          .where('memberships.user_id', '=', userId),
      ),
    )
    .forUpdate(),
);

/**
 * The same write lock for a change to a workspace's folder tree (app/items: a move, a create in a
 * folder, moving to the trash, restoring), taken as its transaction's first statement, before it
 * checks anything: such changes in one workspace then run one after another, each checking against
 * what the one before committed (docs/ARCHITECTURE.md, "The folder tree's lock"). By the
 * workspace's id, or by one of its items' when that is all the use case knows yet. Nothing is read
 * back; on SQLite, whose transactions already run alone, nothing is run at all.
 */
export async function lockWorkspaceTree(
  conn: Conn,
  dialect: Dialect,
  of: { workspaceId: string } | { itemId: string; userId: string },
): Promise<void> {
  if (dialect !== 'postgres') return;
  if ('workspaceId' in of) await lockQuery.postgres(conn, of.workspaceId);
  else await lockItemWorkspaceQuery(conn, of.itemId, of.userId);
}

/** How many Super Admins a workspace has (a value, or the outer query's workspace id). */
const superAdminsOf = (conn: Conn, workspaceId: string | Expression<string>) =>
  conn
    .selectFrom('memberships')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', sql.lit('super_admin'));
const superAdminCount = reusable((conn: Conn, workspaceId: string) => superAdminsOf(conn, workspaceId));

export async function countSuperAdmins(conn: Conn, workspaceId: string): Promise<number> {
  return Number((await superAdminCount(conn, workspaceId)).rows[0]?.n ?? 0);
}

/** The members view's footer in one query: the workspace's seats and how many Super Admins it has. */
const seatsQuery = reusable((conn: Conn, workspaceId: string) =>
  conn
    .selectFrom('workspaces')
    .select((e) => [
      'seat_limit',
      'seats_used',
      superAdminsOf(conn, e.ref('workspaces.id')).as('super_admins'),
    ])
    .where('id', '=', workspaceId),
);

export async function findSeatsAndSuperAdmins(
  conn: Conn,
  workspaceId: string,
): Promise<{ seatLimit: number; seatsUsed: number; superAdmins: number } | undefined> {
  const row = (await seatsQuery(conn, workspaceId)).rows[0];
  return (
    row && { seatLimit: row.seat_limit, seatsUsed: row.seats_used, superAdmins: Number(row.super_admins) }
  );
}

const updateRoleQuery = reusable((conn: Conn, workspaceId: string, userId: string, role: string) =>
  conn
    .updateTable('memberships')
    .set({ role: role as Role })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId),
);
/** A member's new role, as a part of a use case's `writeTogether` (data/write-together.ts). */
export const membershipRolePart = (conn: Conn, workspaceId: string, userId: string, role: Role): WritePart =>
  updateRoleQuery.part(conn, workspaceId, userId, role);

export async function deleteMembership(conn: Conn, workspaceId: string, userId: string): Promise<boolean> {
  const res = await conn
    .deleteFrom('memberships')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/**
 * The seat invariant (SPEC §4.6), in one statement: no row when no seat is free. The workspace is
 * a value, or an expression of the statement it is part of (data/invitations.repo.ts).
 */
export const seatClaim = (conn: Conn, workspaceId: string | Expression<string>) =>
  conn
    .updateTable('workspaces')
    .set({ seats_used: sql`seats_used + 1` })
    .where('id', '=', workspaceId)
    .whereRef('seats_used', '<', 'seat_limit')
    .returning(['seats_used', 'seat_limit']);
const claimSeatQuery = reusable((conn: Conn, workspaceId: string) => seatClaim(conn, workspaceId));

/** The seats of a workspace after a seat was taken. */
export interface SeatsAfterClaim {
  seatsUsed: number;
  seatLimit: number;
}

/** Takes one free seat (a conditional increment): the seats after it, or null when none was free. */
export async function claimSeat(conn: Conn, workspaceId: string): Promise<SeatsAfterClaim | null> {
  const row = (await claimSeatQuery(conn, workspaceId)).rows[0];
  return row ? { seatsUsed: Number(row.seats_used), seatLimit: Number(row.seat_limit) } : null;
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
    .where('status', '=', PENDING)
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

/** `column LIKE pattern` with `likePattern`'s escape character; `pattern` a value or an expression. */
const likeSql = (column: string, pattern: string | RawBuilder<unknown>) =>
  sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;

/** An FTS5 query for `q` as one literal string: a phrase in double quotes, a quote in it doubled. */
const ftsPhrase = (q: string) => `"${q.replaceAll('"', '""')}"`;

/**
 * SQLite: the FTS5 query for a 1-2 character term in `members_grams_fts` (migration 0050): the
 * gram's token, `g` and its UTF-8 bytes in hex, as the triggers write it (SQLite's `hex()`).
 */
export const gramPhrase = (q: string) => `"g${Buffer.from(q, 'utf8').toString('hex')}"`;

/**
 * Keyset paging: the rows after the cursor (sortKey, rowKey) in (sort column, row key) order, where
 * a row key is `<kind>:<id>`. `sort >= key` comes first so the planner reads the sort index from
 * the cursor on.
 */
const afterCursor = (
  sortColumn: string,
  kind: 'm' | 'i' | 'r',
  idColumn: string,
  sortKey: string,
  rowKey: string,
) =>
  sql<boolean>`${sql.ref(sortColumn)} >= ${sortKey} and (${sql.ref(sortColumn)} > ${sortKey} or ${sql.lit(`${kind}:`)} || ${sql.ref(idColumn)} > ${rowKey})`;

/**
 * The trigram index finds terms of at least this many characters (Unicode code points, as FTS5 and
 * pg_trgm count them): a shorter term has no trigram. Such a term reads its members from the
 * members' grams, every 1- and 2-character substring of their texts: on PostgreSQL the gram table
 * (migration 0043), in display order; on SQLite the grams' FTS5 table (migration 0050).
 */
export const MIN_INDEXED_TERM = 3;

/**
 * SQLite: below this many rows of the workspace that the FTS5 index finds for the term, the page is
 * read from the index without further ado (it costs about one primary-key lookup per match).
 */
export const PROBE_CAP = 500;

/**
 * A term that many rows contain is cheaper found by walking the workspace's members in display
 * order than by fetching every match from the index and sorting them all. Before choosing the walk,
 * a probe counts the matches among the next WALK_BUDGET members from the cursor: a full page there
 * means the walk stops within WALK_BUDGET rows. Otherwise (a rare term, or matches bunched far down
 * the order, as a first name's are) the index is used.
 */
export const WALK_BUDGET = 500;

/**
 * SQLite, terms of 1-2 characters (the grams' FTS5 table, migration 0050): PROBE_CAP and
 * WALK_BUDGET for them. A short term's hits are many more than a longer term's (a gram is in
 * hundreds of names where a trigram is in a few), and each hit read costs about 3.5 µs (the probe,
 * then the member by primary key and the sort) against about 0.2 µs for a member walked in display
 * order: past 100 hits the walk, probed over 1,500 members, is the cheaper way. Measured in
 * process on the benchmark's 10,000 members, every 1-2 character term of a-z, `.` and `@` (812,
 * twice each), 2026-12-06: p95 1.60-1.73 ms and p99 2.3-2.4 ms with the longer terms' 500 / 500,
 * 1.25-1.37 ms and 1.6-1.8 ms with these.
 */
export const SHORT_PROBE_CAP = 100;
export const SHORT_WALK_BUDGET = 1_500;

/** How a page finds the rows that contain the search term. */
export type SearchMode =
  /** No term. */
  | 'none'
  /**
   * Terms of 1-2 characters: members by their grams, no member tested (PostgreSQL: the first
   * entries of the term's range in `members_grams`, already in display order; SQLite: the members
   * whose row in `members_grams_fts` has the term's token, then sorted, as `index` does); the few
   * pending invitations and requests are each tested.
   */
  | 'grams'
  /** SQLite: walk the workspace's rows in display order, testing each, until the page is full (terms so common that a page fills within WALK_BUDGET rows, whatever their length). */
  | 'filter'
  /** SQLite: only the rows the FTS5 trigram index finds, each still tested, then sorted. */
  | 'index'
  /**
   * PostgreSQL, terms of 3+ characters: one statement holding both ways, the walk and "every row
   * the pg_trgm index finds, then sorted", of which a probe inside the statement (a CTE counting
   * the matches among the next WALK_BUDGET members) runs exactly one.
   */
  | 'auto';

/** Which optional parts a members view query has: each shape is one SQL text. */
interface MembersViewShape {
  search: SearchMode;
  after: boolean;
  membersOnly: boolean;
  /**
   * SQLite, `index` and `grams`: the kinds ('m', 'i', 'r') among the index's hits when they were
   * read before the page (fewer than PROBE_CAP: `searchMode`) and come as the `match` argument, a
   * JSON array of `kind:ref`; only the branches of those kinds are in the query (`grams`: 'i' and
   * 'r' too, which have no grams and are tested). Undefined: the query reads the hits from the FTS5
   * index itself (`match` is the phrase).
   */
  found?: string;
}

const isSqlite = (conn: Conn) => conn.getExecutor().adapter instanceof SqliteAdapter;

/** SQLite: the FTS5 tables of the members view: the trigram index (0030) and the members' grams (0050). */
type FtsTable = 'members_search' | 'members_grams_fts';

/**
 * SQLite: the workspace's rows whose indexed text the FTS5 table finds for the phrase, as (kind,
 * ref): all three kinds in the trigram index, members only in the grams. Read alone before a page
 * (`indexHits`) or as the page query's `hits` CTE. The match is bounded to the workspace's range
 * of rowids (migration 0051): FTS5 seeks to it in the term's list instead of reading every
 * workspace's hits (`INDEX 0:M1><` in the plan: the match and both bounds).
 */
const ftsHits = (db: QueryCreator<Database>, table: FtsTable, phrase: string, workspaceId: string) =>
  db
    .selectFrom('members_search_spaces as s')
    .crossJoin(sql<{ rowid: number }>`${sql.table(table)}`.as('f'))
    .crossJoin('members_search_rows as k')
    .select(['k.kind', 'k.ref'])
    .where('s.workspace_id', '=', workspaceId)
    .where(sql<boolean>`${sql.ref(`f.${table}`)} match ${phrase}`)
    .where(
      sql<boolean>`f.rowid between s.slot * ${sql.lit(SEARCH_RANGE)} and s.slot * ${sql.lit(SEARCH_RANGE)} + ${sql.lit(SEARCH_RANGE - 1)}`,
    )
    .whereRef('k.id', '=', 'f.rowid')
    .where('k.workspace_id', '=', workspaceId);

/**
 * The members view query of one shape. Every value is an argument (but `status = 'pending'`, part
 * of the text for the partial indexes: pending.ts).
 *
 * Each branch selects its rows, then takes the first `take` in (sort_key, row_key) order. In the
 * `index` shape on PostgreSQL the selection is a subquery with `OFFSET 0`, which the planner may
 * not merge into the ordered outer query: it then plans "every row that contains the term" (the
 * trigram index) rather than "walk the sort index until the page is full". On SQLite the `index`
 * shape takes the ids from the FTS5 table (or from the hits read just before: `found`) and fetches
 * each row by primary key.
 */
const membersViewBuilder =
  (shape: MembersViewShape) =>
  (
    conn: Conn,
    workspaceId: string,
    pattern: string,
    /** The FTS5 phrase, or (`shape.found`) the hits read beforehand, as a JSON array of `kind:ref`. */
    match: string,
    term: string,
    sortKey: string,
    rowKey: string,
    take: number,
    now: number,
  ) => {
    const sqlite = isSqlite(conn);
    const grams = shape.search === 'grams';
    const filter = shape.search !== 'none' && !grams;
    const fts = shape.search === 'index';
    /** SQLite: the members come from a `hits` CTE (the trigram index's, or the grams'). */
    const fromHits = fts || (grams && sqlite);
    const auto = shape.search === 'auto';
    const like = (column: string) => likeSql(column, pattern);
    /**
     * SQLite: the ids of the workspace's rows of one kind whose indexed text contains the phrase,
     * from `hits` (a CTE: the FTS5 match is run once for the three branches).
     */
    const hitsOf = (kind: 'm' | 'i' | 'r') => sql`(select ref from hits where kind = ${sql.lit(kind)})`;
    const indexed = (kind: 'i' | 'r') => hitsOf(kind) as RawBuilder<string>;
    /**
     * The ids of the first `take` members (after the cursor) whose texts hold the 1-2 character
     * term: one range of `members_grams`, read in display order and no further.
     */
    const gramRefs = () =>
      conn
        .selectFrom('members_grams')
        .select('user_id as ref')
        .where('workspace_id', '=', workspaceId)
        .where('gram', '=', term)
        .$if(shape.after, (q) => q.where(afterCursor('sort_key', 'm', 'user_id', sortKey, rowKey)))
        .orderBy('sort_key')
        .orderBy('user_id')
        .limit(take);
    /** The first `take` rows of a branch's selection, in the view's order. */
    const firstPage = <Q extends { orderBy: unknown }>(
      q: Q,
      sortColumn: string,
      idColumn: string,
      fence = auto,
    ) => {
      // biome-ignore lint/suspicious/noExplicitAny: the three branches share this step; their row type is the view's
      const b = q as any;
      if (fence) {
        return conn
          .selectFrom(b.offset(sql.lit(0)).as('x'))
          .selectAll()
          .orderBy('sort_key')
          .orderBy('id')
          .limit(take) as unknown as Q;
      }
      return b.orderBy(sortColumn).orderBy(idColumn).limit(take) as Q;
    };
    /**
     * The members a page may show: all of the workspace's, or (index and grams) those whose ids a
     * subquery names, each fetched by primary key. On SQLite a CROSS JOIN fixes the ids as the
     * outer loop: without statistics (no ANALYZE yet) the planner would rather walk the sort index
     * to avoid sorting, testing every member against the ids.
     */
    const memberSource = () => {
      const ids = fromHits
        ? conn.selectFrom((hitsOf('m') as RawBuilder<{ ref: string }>).as('g'))
        : grams
          ? conn.selectFrom(gramRefs().as('g'))
          : null;
      return (
        ids
          ? ids.crossJoin('memberships').whereRef('memberships.user_id', '=', 'g.ref')
          : conn.selectFrom('memberships')
      ) as ReturnType<typeof conn.selectFrom<'memberships'>>;
    };
    const memberRows = () =>
      memberSource()
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
        .$if(filter, (q) => q.where((e) => e.or([like('sort_key'), like('email')])))
        .$if(shape.after, (q) => q.where(afterCursor('sort_key', 'm', 'user_id', sortKey, rowKey)));
    /** The probe's verdict (PostgreSQL, `auto`): true when the walk fills the page within WALK_BUDGET rows. */
    const walkFills = sql<boolean>`(select n from probe) >= ${take}`;
    const members = auto
      ? conn
          .selectFrom(firstPage(memberRows().where(walkFills), 'sort_key', 'user_id', false).as('mw'))
          .selectAll()
          .unionAll(
            conn
              .selectFrom(
                firstPage(memberRows().where(sql<boolean>`not ${walkFills}`), 'sort_key', 'user_id').as('mi'),
              )
              .selectAll(),
          )
      : firstPage(memberRows(), 'sort_key', 'user_id');
    /** The statement's start: with the probe as a CTE in the `auto` shape. */
    const top = auto
      ? conn.with(
          (cte) => cte('probe').materialized(),
          (db) =>
            db
              .selectFrom(
                db
                  .selectFrom('memberships')
                  .select(['sort_key', 'email'])
                  .where('workspace_id', '=', workspaceId)
                  .$if(shape.after, (q) => q.where(afterCursor('sort_key', 'm', 'user_id', sortKey, rowKey)))
                  .orderBy('sort_key')
                  .orderBy('user_id')
                  .limit(sql.lit(WALK_BUDGET))
                  .as('w'),
              )
              .select((e) => e.fn.countAll<number>().as('n'))
              .where((e) => e.or([like('sort_key'), like('email')])),
        )
      : fromHits
        ? (conn.with(
            (cte) => cte('hits').materialized(),
            (db) =>
              shape.found === undefined
                ? ftsHits(db, grams ? 'members_grams_fts' : 'members_search', match, workspaceId)
                : db
                    .selectFrom(sql<{ value: string }>`json_each(${match})`.as('h'))
                    .select([
                      sql<string>`substr(h.value, 1, 1)`.as('kind'),
                      sql<string>`substr(h.value, 3)`.as('ref'),
                    ]),
          ) as unknown as QueryCreator<Database & { probe: { n: number } }>)
        : (conn as unknown as QueryCreator<Database & { probe: { n: number } }>);
    if (shape.membersOnly) {
      return auto || fromHits
        ? top.selectFrom(members.as('u')).selectAll().orderBy('sort_key').orderBy('row_key').limit(take)
        : members;
    }

    const invitations = firstPage(
      conn
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
        .where('status', '=', PENDING)
        .$if(fts, (q) => q.where('id', 'in', indexed('i')))
        // Pending invitations and join requests are few: a short term tests each of them.
        .$if(filter || grams, (q) => q.where(like('email')))
        .$if(shape.after, (q) => q.where(afterCursor('email', 'i', 'id', sortKey, rowKey))),
      'email',
      'id',
    );

    const requests = firstPage(
      conn
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
        .where('status', '=', PENDING)
        // A lapsed request is gone from the view (the person can ask again).
        .where('expires_at', '>', now)
        .$if(fts, (q) => q.where('id', 'in', indexed('r')))
        .$if(filter || grams, (q) => q.where((e) => e.or([like('sort_key'), like('email')])))
        .$if(shape.after, (q) => q.where(afterCursor('sort_key', 'r', 'id', sortKey, rowKey))),
      'sort_key',
      'id',
    );

    // SQLite allows ORDER BY/LIMIT in a compound select only in subqueries: wrap each branch. With
    // the hits read beforehand, only the branches of the kinds found.
    const branches = [
      { kind: 'm', rows: members, as: 'a' },
      { kind: 'i', rows: invitations, as: 'b' },
      { kind: 'r', rows: requests, as: 'c' },
    ]
      .filter((b) => shape.found === undefined || shape.found.includes(b.kind))
      // biome-ignore lint/suspicious/noExplicitAny: the three branches have the view's row type
      .map((b) => conn.selectFrom((b.rows as any).as(b.as)).selectAll());
    const [first, ...more] = branches;
    if (!first) throw new Error('members view: a query with no branch');
    const union = more.reduce((u, b) => u.unionAll(b), first);
    return top.selectFrom(union.as('u')).selectAll().orderBy('sort_key').orderBy('row_key').limit(take);
  };

/**
 * One compiled query per shape (20 at most), run as a prepared statement on PostgreSQL. Its plan
 * need not depend on the term: in the `auto` shape both ways are in the plan and the probe picks
 * one when it runs, so its generic plan is the same walk of the sort index and the same trigram
 * index scan as a plan made for one term (test/members-search.test.ts checks it). PostgreSQL keeps
 * planning it per term all the same when the terms it sees match few rows (see `anyMatch`, which
 * spares it the terms nobody has).
 */
const membersViewQuery = reusableByShape({
  key: (shape: MembersViewShape) => `${shape.search}${+shape.after}${+shape.membersOnly}${shape.found ?? ''}`,
  build: membersViewBuilder,
});

/**
 * SQLite: the workspace's searchable rows (members only, or all three kinds) that the FTS5 trigram
 * index finds for the phrase, as [kind, ref], no more than PROBE_CAP. The cap is written into the
 * SQL (a bare `LIMIT ?` had SQLite prepare the statement again on every run: 36 µs instead of 18
 * for a term nobody has; every bound limit is now written `LIMIT +?`, db.ts's unboundLimits).
 */
const indexHits = reusable(
  (conn: Conn, phrase: string, workspaceId: string, kinds: string) =>
    ftsHits(conn, 'members_search', phrase, workspaceId)
      .where(sql<boolean>`instr(${kinds}, k.kind) > 0`)
      .limit(sql.lit(PROBE_CAP)),
  { arrays: true },
);

/** SQLite: the same for a 1-2 character term, from the members' grams (members only). */
const gramHits = reusable(
  (conn: Conn, phrase: string, workspaceId: string) =>
    ftsHits(conn, 'members_grams_fts', phrase, workspaceId).limit(sql.lit(SHORT_PROBE_CAP)),
  { arrays: true },
);

/** How many of the next `budget` members in display order (after the cursor) contain the term. */
const countInWalk = (after: boolean) =>
  reusable(
    (conn: Conn, workspaceId: string, pattern: string, sortKey: string, rowKey: string, budget: number) =>
      conn
        .selectFrom((db) =>
          db
            .selectFrom('memberships')
            .select(['sort_key', 'email'])
            .where('workspace_id', '=', workspaceId)
            .$if(after, (q) => q.where(afterCursor('sort_key', 'm', 'user_id', sortKey, rowKey)))
            .orderBy('sort_key')
            .orderBy('user_id')
            .limit(budget)
            .as('w'),
        )
        .select((e) => e.fn.countAll<number>().as('n'))
        .where((e) => e.or([likeSql('sort_key', pattern), likeSql('email', pattern)])),
  );
const countInWalkFrom = { start: countInWalk(false), after: countInWalk(true) };

/**
 * PostgreSQL: whether any row of the page's kinds (members only, or also pending invitations and
 * join requests) contains the term at all, each kind one trigram index probe. The `auto` statement
 * is large, and PostgreSQL plans it afresh for every term (its estimates made with the term's
 * pattern stay below the generic plan's: `custom_plans` grows, `generic_plans` stays 0), about
 * 0.6 ms of planning. Most terms typed into the search box of 10,000 members (95% of the
 * benchmark's three-letter terms) match nobody: this small statement answers those alone, and
 * the `auto` statement runs only when there is something to show. The pattern comes through a
 * one-row subquery, `(select $n)`: the planner then estimates it as it would any parameter, the
 * same for every term, instead of testing the pattern against the column statistics, so
 * PostgreSQL settles on the generic plan (the trigram index read at run time with the
 * subquery's value). In process, 1,000 three-letter terms against 10,000 members, the database's
 * CPU a term: the `auto` statement alone 900-1,000 µs; this probe 370 µs with the pattern as a
 * plain parameter, 150 µs through the subquery (2026-12-04).
 */
const anyMatch = (membersOnly: boolean) =>
  reusable((conn: Conn, workspaceId: string, pattern: string, now: number) => {
    const once = sql`(select cast(${pattern} as text))`;
    const like = (column: string) => likeSql(column, once);
    const members = conn
      .selectFrom('memberships')
      .select(sql.lit(1).as('one'))
      .where('workspace_id', '=', workspaceId)
      .where((e) => e.or([like('sort_key'), like('email')]))
      // Counted up to PROBE_CAP rather than `EXISTS`: for a one-row limit the plan walks the
      // workspace's members hoping to meet a match early (all 10,000 when none does).
      .limit(sql.lit(PROBE_CAP));
    const invitations = conn
      .selectFrom('invitations')
      .select(sql.lit(1).as('one'))
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', PENDING)
      .where(like('email'));
    const requests = conn
      .selectFrom('join_requests')
      .select(sql.lit(1).as('one'))
      .where('workspace_id', '=', workspaceId)
      .where('status', '=', PENDING)
      .where('expires_at', '>', now)
      .where((e) => e.or([like('sort_key'), like('email')]));
    const someMember = sql`(select count(*) from (${members}) as h) > 0`;
    const found = membersOnly
      ? someMember
      : sql`${someMember} or exists (${invitations}) or exists (${requests})`;
    const raw = sql<{ found: boolean }>`select ${found} as found`;
    return { compile: () => raw.compile(conn) };
  });
const anyMatchOf = { members: anyMatch(true), all: anyMatch(false) };

/**
 * How the page is read (`SearchMode`); null when the index says nobody has the term (no page query
 * at all). On SQLite, for a term of 3 or more characters, the index's hits come back too when there
 * are fewer than PROBE_CAP (then the page reads only those rows).
 */
async function searchMode(
  conn: Conn,
  workspaceId: string,
  query: MembersViewQuery,
): Promise<{ mode: SearchMode; hits?: string[] } | null> {
  if (!query.q) return { mode: 'none' };
  const short = [...query.q].length < MIN_INDEXED_TERM;
  if (!isSqlite(conn)) {
    if (short) return { mode: 'grams' };
    const { rows } = await anyMatchOf[query.membersOnly ? 'members' : 'all'](
      conn,
      workspaceId,
      likePattern(query.q),
      query.now,
    );
    return rows[0]?.found ? { mode: 'auto' } : null;
  }
  {
    const { rows } = short
      ? await gramHits(conn, gramPhrase(query.q), workspaceId)
      : await indexHits(conn, ftsPhrase(query.q), workspaceId, query.membersOnly ? 'm' : 'mir');
    // A short term's invitations and requests are not in the grams: only a members-only page is
    // known to be empty.
    if (rows.length === 0 && (!short || query.membersOnly)) return null;
    if (rows.length < (short ? SHORT_PROBE_CAP : PROBE_CAP))
      return {
        mode: short ? 'grams' : 'index',
        hits: (rows as unknown as [string, string][]).map(([kind, ref]) => `${kind}:${ref}`),
      };
  }
  const { rows } = await countInWalkFrom[query.after ? 'after' : 'start'](
    conn,
    workspaceId,
    likePattern(query.q),
    query.after?.sortKey ?? '',
    query.after?.rowKey ?? '',
    short ? SHORT_WALK_BUDGET : WALK_BUDGET,
  );
  if (Number(rows[0]?.n ?? 0) > query.limit) return { mode: 'filter' };
  return { mode: short ? 'grams' : 'index' };
}

/**
 * The shape of the query for this page and its arguments; null when the page is known to be empty
 * without one (the index found no row for the term).
 */
async function membersViewPlan(conn: Conn, workspaceId: string, query: MembersViewQuery) {
  const search = await searchMode(conn, workspaceId, query);
  if (!search) return null;
  const { mode, hits } = search;
  const shape: MembersViewShape = {
    search: mode,
    after: query.after !== null,
    membersOnly: query.membersOnly,
    found:
      hits &&
      ['m', 'i', 'r']
        .filter((k) => (mode === 'grams' && k !== 'm') || hits.some((h) => h.startsWith(`${k}:`)))
        .join(''),
  };
  const args: Parameters<ReturnType<typeof membersViewBuilder>> = [
    conn,
    workspaceId,
    query.q ? likePattern(query.q) : '',
    hits ? JSON.stringify(hits) : !query.q ? '' : mode === 'grams' ? gramPhrase(query.q) : ftsPhrase(query.q),
    query.q ?? '',
    query.after?.sortKey ?? '',
    query.after?.rowKey ?? '',
    query.limit + 1,
    query.now,
  ];
  return { shape, args };
}

/**
 * The members view (SPEC §4.1): active members, live invitations and pending join requests of one
 * workspace in one list, ordered by (sort_key, row_key), one keyset page. Each branch walks its own
 * index from the cursor and stops at `limit + 1` rows, so a page costs the same at row 50 or 9,950.
 * A search term of 3 or more characters reads the rows the trigram index finds (migration 0030)
 * unless so many contain it that the ordered walk is cheaper; a shorter one reads its members by
 * their grams (PostgreSQL: the gram table, migration 0043, in order; SQLite: the grams' FTS5 table,
 * migration 0050, then as a longer term does).
 */
export async function listMembersView(
  conn: Conn,
  workspaceId: string,
  query: MembersViewQuery,
): Promise<MembersViewRow[]> {
  const plan = await membersViewPlan(conn, workspaceId, query);
  if (!plan) return [];
  const { rows } = await membersViewQuery(plan.shape)(...plan.args);
  return rows as MembersViewRow[];
}

/**
 * How the database runs the members view query for `query` (tests and operators): the search mode
 * chosen and the plan's lines, from `EXPLAIN QUERY PLAN` on SQLite and `EXPLAIN (ANALYZE)` on
 * PostgreSQL (which runs the query). `generic`: PostgreSQL's generic plan (the one a prepared
 * statement settles on, made without the values), else a plan for these values.
 */
export async function explainMembersView(
  conn: Conn,
  workspaceId: string,
  query: MembersViewQuery,
  opts: { generic?: boolean } = {},
): Promise<{ search: SearchMode; plan: string[] }> {
  const plan = await membersViewPlan(conn, workspaceId, query);
  if (!plan) return { search: 'index', plan: ['none: the index found no row for the term'] };
  const { shape, args } = plan;
  const compiled = membersViewBuilder(shape)(...args).compile();
  const sqlite = isSqlite(conn);
  const explain = CompiledQuery.raw(
    `${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF)'} ${compiled.sql}`,
    [...compiled.parameters],
  );
  const { rows } =
    opts.generic && !sqlite
      ? await conn.transaction().execute(async (tx) => {
          // A statement prepared by name, its plan forced generic (PostgreSQL 15 has no
          // EXPLAIN (GENERIC_PLAN)), explained as it executes with these values.
          // Named afresh each time: should the explain fail, the statement left on the pooled
          // connection (prepared statements outlive transactions) is in nobody's way.
          const name = sql.raw(
            `troupe_explain_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`,
          );
          await sql`SET LOCAL plan_cache_mode = force_generic_plan`.execute(tx);
          await sql`PREPARE ${name} AS ${sql.raw(compiled.sql)}`.execute(tx);
          const values = sql.join(compiled.parameters.map((p) => sql.lit(p)));
          const explained = await sql<
            Record<string, unknown>
          >`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE ${name}(${values})`.execute(tx);
          await sql`DEALLOCATE ${name}`.execute(tx);
          return explained;
        })
      : await conn.executeQuery<Record<string, unknown>>(explain);
  return {
    search: shape.search,
    plan: rows.map((r) => String(sqlite ? r.detail : r['QUERY PLAN'])),
  };
}

const superAdminsQuery = reusable((conn: Conn, workspaceId: string) =>
  conn
    .selectFrom('memberships')
    .select(['user_id', 'name', 'email', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', sql.lit('super_admin'))
    .orderBy('created_at')
    .orderBy('user_id'),
);

export async function listSuperAdmins(conn: Conn, workspaceId: string) {
  return (await superAdminsQuery(conn, workspaceId)).rows;
}
