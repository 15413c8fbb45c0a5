import { type RawBuilder, sql } from 'kysely';
import type { GeneralAccess, ItemKind, Permission } from '../contract/items.ts';
import type { Role } from '../contract/roles.ts';
import { type ChainLink, MAX_DEPTH } from '../domain/access.ts';
import { type ApiKeyFacts, apiKeyFactsOf, KEY_COLUMNS, keyLookup } from './api-keys.repo.ts';
import type { Conn } from './db.ts';
import { reusable, reusableWithList } from './reusable-query.ts';
import { asMs } from './sessions.repo.ts';

/** One item as loaded with its chain. */
export interface ItemRecord {
  id: string;
  workspaceId: string;
  kind: ItemKind;
  title: string;
  parentId: string | null;
  ownerId: string;
  generalAccess: GeneralAccess;
  workspacePermission: Permission;
  createdAt: number;
  updatedAt: number;
  /** In the trash since (null: live); every item inside a deleted folder carries it too. */
  trashedAt: number | null;
  trashedBy: string | null;
  /** The deleted item whose restore brings this one back. */
  trashRootId: string | null;
}

/** An item's access facts: its chain (nearest first) with the member's grant on each, and their role. */
export interface ItemFacts {
  item: ItemRecord;
  /** chain[0] is the item itself. */
  chain: ChainLink[];
  /** The member's role in the item's workspace; null when not a member. */
  role: Role | null;
}

/** The same, with every ancestor's whole record. */
export interface LoadedChain extends ItemFacts {
  chain: (ChainLink & { record: ItemRecord })[];
}

interface ChainRow {
  start_id: string;
  depth: number;
  id: string;
  workspace_id: string;
  kind: string;
  title: string;
  parent_id: string | null;
  owner_id: string;
  general_access: string;
  workspace_permission: string;
  created_at: number | string;
  updated_at: number | string;
  trashed_at: number | string | null;
  trashed_by: string | null;
  trash_root_id: string | null;
  grant_permission: string | null;
  member_role: string | null;
}

export function toItemRecord(r: {
  id: string;
  workspace_id: string;
  kind: string;
  title: string;
  parent_id: string | null;
  owner_id: string;
  general_access: string;
  workspace_permission: string;
  created_at: number | string;
  updated_at: number | string;
  trashed_at?: number | string | null;
  trashed_by?: string | null;
  trash_root_id?: string | null;
}): ItemRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    kind: r.kind as ItemKind,
    title: r.title,
    parentId: r.parent_id,
    ownerId: r.owner_id,
    generalAccess: r.general_access as GeneralAccess,
    workspacePermission: r.workspace_permission as Permission,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    trashedAt: r.trashed_at === null || r.trashed_at === undefined ? null : Number(r.trashed_at),
    trashedBy: r.trashed_by ?? null,
    trashRootId: r.trash_root_id ?? null,
  };
}

/**
 * The access facts of many items in one set-based query (ids in, facts out): each item, its
 * ancestors up to the root (a recursive CTE over `parent_id`: inheritance is resolved in SQL, never
 * copied down the tree), the member's grant on each, and the member's role in the workspace.
 */
const chainSql = (itemIds: string[], userId: string) => sql<ChainRow>`
    WITH RECURSIVE chain(start_id, id, parent_id, depth) AS (
      SELECT id, id, parent_id, 0 FROM items WHERE id IN (${sql.join(itemIds)})
      UNION ALL
      SELECT c.start_id, i.id, i.parent_id, c.depth + 1
      FROM items i JOIN chain c ON i.id = c.parent_id
      WHERE c.depth < ${sql.lit(MAX_DEPTH)}
    )
    SELECT c.start_id, c.depth, i.id, i.workspace_id, i.kind, i.title, i.parent_id, i.owner_id,
           i.general_access, i.workspace_permission, i.created_at, i.updated_at,
           i.trashed_at, i.trashed_by, i.trash_root_id,
           g.permission AS grant_permission, m.role AS member_role
    FROM chain c
    JOIN items i ON i.id = c.id
    LEFT JOIN item_grants g ON g.item_id = i.id AND g.user_id = ${userId}
    LEFT JOIN memberships m ON m.workspace_id = i.workspace_id AND m.user_id = ${userId}
    ORDER BY c.start_id, c.depth`;

/** One item's chain (every item read): compiled once and run as a prepared statement. */
const singleChain = reusable((conn: Conn, itemId: string, userId: string) => {
  const raw = chainSql([itemId], userId);
  return { compile: () => raw.compile(conn) };
});

export async function loadChains(
  conn: Conn,
  itemIds: string[],
  userId: string,
): Promise<Map<string, LoadedChain>> {
  const out = new Map<string, LoadedChain>();
  if (itemIds.length === 0) return out;
  const { rows } =
    itemIds.length === 1
      ? await singleChain(conn, itemIds[0] as string, userId)
      : await chainSql(itemIds, userId).execute(conn);
  for (const r of rows) addLink(out, r.start_id, r);
  return out;
}

/** Appends one chain row (ordered by depth) to its item's chain. */
function addLink(
  out: Map<string, LoadedChain>,
  startId: string,
  r: Parameters<typeof toItemRecord>[0] & { grant_permission: string | null; member_role: string | null },
): void {
  const record = toItemRecord(r);
  const link = {
    id: record.id,
    title: record.title,
    ownerId: record.ownerId,
    generalAccess: record.generalAccess,
    workspacePermission: record.workspacePermission,
    grant: (r.grant_permission as Permission | null) ?? null,
    trashed: record.trashedAt !== null,
    record,
  };
  const entry = out.get(startId);
  if (entry) entry.chain.push(link);
  else out.set(startId, { item: record, chain: [link], role: (r.member_role as Role | null) ?? null });
}

/** The signed-in caller as read from their session row (Better Auth's `session`). */
export interface SessionCaller {
  userId: string;
  expiresAt: number;
}

/**
 * The hottest read (`GET /api/items/:id`) in one round trip: the caller (a session by its token, or
 * an API key with its owner), the caller's role in the item's workspace, and the item's access
 * facts for them. The walk up the folders carries each folder's columns (one index lookup per
 * level), stops at the nearest only_me folder (nothing above it counts: domain/access.ts), and
 * only the links that can change the caller's permission come back: the item itself, and the
 * folders the caller owns, has a grant on, or that are workspace-wide, only_me or in the trash. A
 * `selected` folder that is not theirs and not shared with them adds nothing to
 * `effectivePermission` (test/access-property.test.ts holds this to SPEC §5). Rows come as arrays
 * (`reusable`'s `arrays`: on SQLite building each row's object cost more than the walk, 15-17 ->
 * 11 µs a call in a tight loop, 2026-12-04), in `CHAIN_AT`'s order; the caller's and the item's
 * own columns on the item's row only. No caller: no row. No such item: one row with the caller
 * and no item.
 * (Joining the item and its folder directly and walking only above them saved SQLite another 1-2
 * µs, but cost PostgreSQL 10-40 µs on the benchmark's small `items` table, read by sequential scans
 * under the prepared statement's generic plan: not done.)
 */
function chainWithCaller(caller: RawBuilder<unknown>, callerColumns: readonly string[], itemId: string) {
  // `caller` is a CTE of at most one row with a `user_id` column, in parentheses (as Kysely writes
  // a select query embedded in SQL).
  const cols = [
    'id',
    'workspace_id',
    'kind',
    'title',
    'parent_id',
    'owner_id',
    'general_access',
    'workspace_permission',
    'created_at',
    'updated_at',
    'trashed_at',
    'trash_root_id',
  ];
  const list = (prefix: string) => sql.raw(cols.map((c) => `${prefix}${c}`).join(', '));
  /**
   * The caller's grant on a link, as a subquery run per link: one primary-key probe each. (As a
   * join, the plan PostgreSQL keeps for the prepared statement read every grant of a small
   * workspace into a hash table on every call.)
   */
  const grant = sql.raw(
    '(SELECT g.permission FROM item_grants g WHERE g.item_id = c.id AND g.user_id = caller.user_id)',
  );
  /** Repeating these on every link would only cost parsing. */
  const firstRowOnly = (expr: string) => sql.raw(`CASE WHEN c.depth > 0 THEN NULL ELSE ${expr} END`);
  return sql<unknown[]>`
    WITH RECURSIVE
      caller AS ${caller},
      chain(depth, ${list('')}) AS (
        SELECT 0, ${list('')} FROM items WHERE id = ${itemId}
        UNION ALL
        SELECT c.depth + 1, ${list('i.')}
        FROM items i JOIN chain c ON i.id = c.parent_id
        WHERE c.general_access <> 'only_me' AND c.depth < ${sql.lit(MAX_DEPTH)}
      )
    SELECT c.depth, c.id, c.title, c.owner_id, c.general_access, c.workspace_permission, c.trashed_at,
           ${grant},
           ${sql.join(
             ['workspace_id', 'kind', 'parent_id', 'created_at', 'updated_at', 'trash_root_id'].map((col) =>
               firstRowOnly(`c.${col}`),
             ),
           )},
           CASE WHEN c.depth = 0 THEN
             (SELECT m.role FROM memberships m
              WHERE m.workspace_id = c.workspace_id AND m.user_id = caller.user_id)
           END,
           ${sql.join(callerColumns.map((col) => firstRowOnly(`caller.${col}`)))}
    FROM caller
    LEFT JOIN chain c ON 1 = 1
    WHERE c.depth IS NULL OR c.depth = 0 OR c.general_access <> 'selected'
       OR c.owner_id = caller.user_id OR ${grant} IS NOT NULL OR c.trashed_at IS NOT NULL`;
}

/** Where each value sits in a row of `chainWithCaller` (its rows are arrays). */
const CHAIN_AT = {
  depth: 0,
  /** The link: id, title, owner, access, workspace permission, trashed, the caller's grant. */
  link: { id: 1, title: 2, owner: 3, access: 4, workspacePermission: 5, trashed: 6, grant: 7 },
  /** The item's own columns and the caller's role: on the item's row only. */
  item: { workspaceId: 8, kind: 9, parentId: 10, createdAt: 11, updatedAt: 12, trashRootId: 13, role: 14 },
  /** The caller's columns (`callerColumns`): on the item's row only. */
  caller: 15,
} as const;

const sessionChain = reusable(
  (conn: Conn, token: string, itemId: string) => {
    const raw = chainWithCaller(
      sql`(SELECT s."userId" AS user_id, s."expiresAt" AS expires_at FROM session s WHERE s.token = ${token})`,
      ['user_id', 'expires_at'],
      itemId,
    );
    return { compile: () => raw.compile(conn) };
  },
  { arrays: true },
);

/**
 * `GET /api/items/:id` with an API key in one round trip, as `sessionChain` does for a session:
 * the key as api-keys.repo.ts `keyLookup` reads it (the same query, embedded as the caller), and
 * the item's chain for the key's owner.
 */
const keyChain = reusable(
  (conn: Conn, keyHash: string, itemId: string) => {
    const raw = chainWithCaller(sql`${keyLookup(conn, keyHash)}`, KEY_COLUMNS, itemId);
    return { compile: () => raw.compile(conn) };
  },
  { arrays: true },
);

/**
 * The session's caller and the item's access facts for them, in one query (see `chainWithCaller`):
 * null when there is no such session (expiry is the caller's to check); `facts` null when there is
 * no such item. `facts.chain` holds the item and only the folders that bear on its permission.
 */
export async function loadChainWithSession(
  conn: Conn,
  token: string,
  itemId: string,
): Promise<{ caller: SessionCaller; facts: ItemFacts | null } | null> {
  const rows = byDepth((await sessionChain(conn, token, itemId)).rows as unknown[][]);
  const first = rows[0];
  if (!first) return null;
  const caller: SessionCaller = {
    userId: first[CHAIN_AT.caller] as string,
    expiresAt: asMs(first[CHAIN_AT.caller + 1] as Date | string | number),
  };
  return { caller, facts: factsOf(rows) };
}

/** The link of a `chainWithCaller` row. */
function linkOf(v: unknown[]): ChainLink {
  const L = CHAIN_AT.link;
  return {
    id: v[L.id] as string,
    title: v[L.title] as string,
    ownerId: v[L.owner] as string,
    generalAccess: v[L.access] as GeneralAccess,
    workspacePermission: v[L.workspacePermission] as Permission,
    trashed: v[L.trashed] !== null,
    grant: (v[L.grant] as Permission | null) ?? null,
  };
}

/** A `chainWithCaller` query's rows nearest first (its SQL has no ORDER BY: one sort less). */
function byDepth(rows: unknown[][]): unknown[][] {
  for (let i = 1; i < rows.length; i++) {
    if ((rows[i - 1]?.[CHAIN_AT.depth] as number) > (rows[i]?.[CHAIN_AT.depth] as number)) {
      return rows.slice().sort((a, b) => (a[CHAIN_AT.depth] as number) - (b[CHAIN_AT.depth] as number));
    }
  }
  return rows;
}

/** The item's chain (nearest first) and record from a `chainWithCaller` query's rows, `byDepth`. */
function factsOf(rows: unknown[][]): ItemFacts | null {
  const first = rows[0] as unknown[];
  if (first[CHAIN_AT.link.id] === null) return null;
  const I = CHAIN_AT.item;
  const trashedAt = first[CHAIN_AT.link.trashed] as number | string | null;
  const item: ItemRecord = {
    id: first[CHAIN_AT.link.id] as string,
    workspaceId: first[I.workspaceId] as string,
    kind: first[I.kind] as ItemKind,
    title: first[CHAIN_AT.link.title] as string,
    parentId: first[I.parentId] as string | null,
    ownerId: first[CHAIN_AT.link.owner] as string,
    generalAccess: first[CHAIN_AT.link.access] as GeneralAccess,
    workspacePermission: first[CHAIN_AT.link.workspacePermission] as Permission,
    createdAt: Number(first[I.createdAt]),
    updatedAt: Number(first[I.updatedAt]),
    trashedAt: trashedAt === null ? null : Number(trashedAt),
    trashedBy: null,
    trashRootId: (first[I.trashRootId] as string | null) ?? null,
  };
  const chain = rows.map(linkOf);
  return { item, chain, role: (first[I.role] as Role | null) ?? null };
}

/**
 * The API key (as `findApiKeyByHash` reads it) and the item's access facts for its owner, in one
 * query (see `chainWithCaller`): null when there is no such key (whether it may act is the caller's
 * to decide); `facts` null when there is no such item.
 */
export async function loadChainWithApiKey(
  conn: Conn,
  keyHash: string,
  itemId: string,
): Promise<{ key: ApiKeyFacts; facts: ItemFacts | null } | null> {
  const rows = byDepth((await keyChain(conn, keyHash, itemId)).rows as unknown[][]);
  const first = rows[0];
  if (!first) return null;
  return { key: apiKeyFactsOf(first, CHAIN_AT.caller), facts: factsOf(rows) };
}

export interface ChainGrant {
  itemId: string;
  userId: string;
  permission: Permission;
  name: string;
  email: string;
  role: Role | null;
}

/** A member as an access list names them (a Super Admin, an owner). */
export interface AccessMember {
  user_id: string;
  name: string;
  email: string;
  role: Role;
}

/** What an access list is built from besides the chain (app/items/get-item-access.ts). */
export interface AccessFacts {
  /** The grants on the given items, with the grantee's name and current role (in no order). */
  grants: ChainGrant[];
  /** The workspace's Super Admins, oldest membership first. */
  admins: AccessMember[];
  /** The members among the given items' owners. */
  owners: AccessMember[];
}

/** Members of the workspace as rows of `accessFactsQuery` (`kind` a or o). */
const memberRows = (conn: Conn, kind: 'a' | 'o', workspaceId: string) =>
  conn
    .selectFrom('memberships')
    .select([
      sql<string>`${sql.lit(kind)}`.as('kind'),
      sql<string>`null`.as('item_id'),
      'user_id',
      sql<string>`null`.as('permission'),
      'name',
      'email',
      'role',
      'created_at',
    ])
    .where('workspace_id', '=', workspaceId);

/**
 * `AccessFacts` in one query: the grants on the items (`g` rows), the Super Admins (`a`), and the
 * members who own any of the items (`o`), one branch after the other. It was three queries; in a
 * transaction they ran one after another (a transaction's statements take turns on its
 * connection): three round trips for every share and access list.
 */
const accessFacts = (conn: Conn, itemIds: string[], workspaceId: string) =>
  conn
    .selectFrom('item_grants as g')
    .innerJoin('user as u', 'u.id', 'g.user_id')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 'g.user_id').onRef('m.workspace_id', '=', 'g.workspace_id'),
    )
    .select([
      sql<string>`'g'`.as('kind'),
      'g.item_id',
      'g.user_id',
      'g.permission',
      'u.name',
      'u.email',
      'm.role',
      // Typed: PostgreSQL types a UNION's column from its first branch, and a bare null is text.
      sql<number | string | null>`cast(null as bigint)`.as('created_at'),
    ])
    .where('g.workspace_id', '=', workspaceId)
    .where('g.item_id', 'in', itemIds)
    .unionAll(memberRows(conn, 'a', workspaceId).where('role', '=', sql.lit('super_admin')))
    .unionAll(
      memberRows(conn, 'o', workspaceId).where('user_id', 'in', (eb) =>
        eb
          .selectFrom('items')
          .select('owner_id')
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', itemIds),
      ),
    );

const accessFactsQuery = reusableWithList((conn: Conn, itemIds: string[], workspaceId: string) =>
  accessFacts(conn, itemIds, workspaceId),
);

/**
 * A share's facts: `accessFactsQuery` and, in the same statement, the member the item is shared with
 * (`e`: their account's name and email, their role) and the workspace's name (`w`, in `name`).
 */
const shareFactsQuery = reusableWithList(
  (conn: Conn, itemIds: string[], workspaceId: string, granteeId: string) =>
    accessFacts(conn, itemIds, workspaceId)
      .unionAll(
        conn
          .selectFrom('memberships as m')
          .innerJoin('user as u', 'u.id', 'm.user_id')
          .select([
            sql<string>`'e'`.as('kind'),
            sql<string>`null`.as('item_id'),
            'm.user_id',
            sql<string>`null`.as('permission'),
            'u.name',
            'u.email',
            'm.role',
            'm.created_at',
          ])
          .where('m.workspace_id', '=', workspaceId)
          .where('m.user_id', '=', granteeId),
      )
      .unionAll(
        conn
          .selectFrom('workspaces')
          .select([
            sql<string>`'w'`.as('kind'),
            sql<string>`null`.as('item_id'),
            sql<string>`null`.as('user_id'),
            sql<string>`null`.as('permission'),
            'name',
            sql<string>`null`.as('email'),
            sql<Role>`null`.as('role'),
            'created_at',
          ])
          .where('id', '=', workspaceId),
      ),
);

/** The grants on `itemIds`, the Super Admins, and the members owning any of `itemIds`: one query. */
export async function readAccessRows(
  conn: Conn,
  workspaceId: string,
  itemIds: string[],
): Promise<AccessFacts> {
  if (itemIds.length === 0) return { grants: [], admins: [], owners: [] };
  return factsOfRows((await accessFactsQuery(conn, itemIds, workspaceId)).rows).facts;
}

/** The member an item is being shared with, as the share reads them (`readShareRows`). */
export interface ShareGrantee {
  userId: string;
  role: Role;
  /** Their account's name and email (as access lists show them, and audit labels). */
  name: string;
  email: string;
}

/**
 * `readAccessRows` for `itemIds` (the first is the item being shared) and, in the same query, the
 * member it is being shared with (null: not a member of the workspace) and the workspace's name.
 */
export async function readShareRows(
  conn: Conn,
  workspaceId: string,
  itemIds: string[],
  granteeId: string,
): Promise<ShareFacts> {
  return factsOfRows((await shareFactsQuery(conn, itemIds, workspaceId, granteeId)).rows);
}

/** What a share reads before its write (`readShareRows`). */
export interface ShareFacts {
  facts: AccessFacts;
  /** Null: not a member of the workspace. */
  grantee: ShareGrantee | null;
  workspaceName: string;
}

type FactsRow = Awaited<ReturnType<typeof shareFactsQuery>>['rows'][number];

/** The rows of `accessFactsQuery` or `shareFactsQuery` (whose `e` and `w` rows the other has not). */
function factsOfRows(rows: FactsRow[]): ShareFacts {
  const out: AccessFacts = { grants: [], admins: [], owners: [] };
  const share: ShareFacts = { facts: out, grantee: null, workspaceName: '' };
  const admins: (AccessMember & { at: number })[] = [];
  for (const r of rows) {
    if (r.kind === 'g') {
      out.grants.push({
        itemId: r.item_id,
        userId: r.user_id,
        permission: r.permission as Permission,
        name: r.name,
        email: r.email,
        role: (r.role ?? null) as Role | null,
      });
    } else if (r.kind === 'o') {
      out.owners.push({ user_id: r.user_id, name: r.name, email: r.email, role: r.role as Role });
    } else if (r.kind === 'a') {
      admins.push({
        user_id: r.user_id,
        name: r.name,
        email: r.email,
        role: r.role as Role,
        at: Number(r.created_at),
      });
    } else if (r.kind === 'e') {
      share.grantee = { userId: r.user_id, role: r.role as Role, name: r.name, email: r.email };
    } else if (r.kind === 'w') {
      share.workspaceName = r.name;
    }
  }
  // Oldest membership first, then by id, as the Super Admins were always listed.
  admins.sort((a, b) => a.at - b.at || (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
  for (const a of admins) out.admins.push({ user_id: a.user_id, name: a.name, email: a.email, role: a.role });
  return share;
}
