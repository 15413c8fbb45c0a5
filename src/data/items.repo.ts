import { type ExpressionBuilder, sql } from 'kysely';
import type { GeneralAccess, ItemKind, Permission } from '../contract/items.ts';
import { type ItemRecord, toItemRecord } from './access.repo.ts';
import type { Conn } from './db.ts';
import { reusable, reusableByShape, rowInserter } from './reusable-query.ts';
import type { Database, ItemsTable } from './schema.ts';
import type { WritePart } from './write-together.ts';

export type ItemRow = ItemsTable;

export const kindRank = (kind: string) => (kind === 'folder' ? 0 : 1);
export const titleKey = (title: string) => title.toLowerCase();

/** A new item is live: the trash's columns keep their defaults (null). */
type NewItemRow = Omit<ItemRow, 'trashed_at' | 'trashed_by' | 'trash_root_id'>;

const insertRows = rowInserter('items', [
  'id',
  'workspace_id',
  'kind',
  'title',
  'kind_rank',
  'title_key',
  'parent_id',
  'owner_id',
  'general_access',
  'workspace_permission',
  'created_at',
  'updated_at',
]);

export async function insertItem(conn: Conn, row: NewItemRow): Promise<void> {
  await insertRows(conn, [row]);
}

type ItemPatch = Partial<
  Pick<ItemRow, 'title' | 'title_key' | 'parent_id' | 'general_access' | 'workspace_permission' | 'owner_id'>
>;

/** One compiled update per set of columns changed (a rename, a move, an access change, a transfer). */
const updateItemQuery = reusableByShape({
  key: (columns: (keyof ItemPatch)[]) => columns.join(),
  build:
    (columns) =>
    (conn: Conn, workspaceId: string, id: string, now: number, ...values: (string | null)[]) =>
      conn
        .updateTable('items')
        .set({ ...Object.fromEntries(columns.map((c, i) => [c, values[i]])), updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id),
});

export async function updateItem(
  conn: Conn,
  workspaceId: string,
  id: string,
  patch: ItemPatch,
  now: number,
): Promise<void> {
  const columns = patched(patch);
  await updateItemQuery(columns)(conn, workspaceId, id, now, ...columns.map((c) => patch[c] ?? null));
}

/** `updateItem` as a part of a use case's `writeTogether`. */
export function updateItemPart(
  conn: Conn,
  workspaceId: string,
  id: string,
  patch: ItemPatch,
  now: number,
): WritePart {
  const columns = patched(patch);
  return updateItemQuery(columns).part(conn, workspaceId, id, now, ...columns.map((c) => patch[c] ?? null));
}

const patched = (patch: ItemPatch) =>
  (Object.keys(patch) as (keyof ItemPatch)[]).filter((c) => patch[c] !== undefined).sort();

/**
 * Deletes the item for good; a folder's contents go with it (ON DELETE CASCADE down the tree), and
 * so do video files (whose triggers queue their stored objects), captions, share pages and grants.
 */
export async function deleteItem(conn: Conn, workspaceId: string, id: string): Promise<void> {
  await conn.deleteFrom('items').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}

/**
 * An item deleted on its own (the root of what went to the trash with it) at `before` or earlier:
 * what the purge lists, and what it checks again as it deletes each one.
 */
const expiredTrashRoot = (eb: ExpressionBuilder<Database, 'items'>, before: number) =>
  eb.and([eb('trashed_at', '<=', before), eb('trash_root_id', '=', eb.ref('id'))]);

/**
 * Deletes a trashed item for good if it is still in the trash since `before` or earlier (restored
 * or purged since it was listed: nothing), answering what it was.
 */
export async function purgeTrashedItem(
  conn: Conn,
  workspaceId: string,
  id: string,
  before: number,
): Promise<{ title: string; kind: string; trashedAt: number } | null> {
  const row = await conn
    .deleteFrom('items')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where((eb) => expiredTrashRoot(eb, before))
    .returning(['title', 'kind', 'trashed_at'])
    .executeTakeFirst();
  return row ? { title: row.title, kind: row.kind, trashedAt: Number(row.trashed_at) } : null;
}

export interface ListedItem extends ItemRecord {
  grant: Permission | null;
  /** The owner's display name. */
  ownerName: string;
  /** Sort values for the cursor. */
  kindRank: number;
  titleKey: string;
  grantedAt: number | null;
}

export type ItemSort = 'name' | 'date';

/** The keyset cursor of a listing page over `items as i` (none: the first page). */
function pageAfter(sort: ItemSort, after: Cursor | null) {
  if (after === null) return sql<boolean>`1 = 1`;
  const [a, b, c] = after;
  return sort === 'name'
    ? sql<boolean>`(i.kind_rank, i.title_key, i.id) > (${a}, ${b}, ${c})`
    : sql<boolean>`(i.created_at, i.id) < (${a}, ${b})`;
}

/** A page's cursor as query arguments: name [kindRank, titleKey, id]; date [createdAt, id, '']. */
type Cursor = [string | number, string, string];
const cursorArgs = (after: (string | number)[] | null): Cursor =>
  after ? [after[0] as string | number, String(after[1]), String(after[2] ?? '')] : [0, '', ''];

/** The order of a listing page over `items as i`, matching `pageAfter`. */
const pageOrder = (sort: ItemSort) =>
  sort === 'name' ? sql`i.kind_rank, i.title_key, i.id` : sql`i.created_at desc, i.id desc`;

export interface ChildrenQuery {
  userId: string;
  /** Super Admins see everything. */
  seesAll: boolean;
  /** What every child inherits from the folder's chain (0 none, 1 view, 2 edit). */
  inherited: number;
  sort: ItemSort;
  /** name: [kindRank, titleKey, id]; date: [createdAt, id]. */
  after: (string | number)[] | null;
  limit: number;
}

/**
 * The columns of a listing row, in this order: rows come back as arrays (reusable-query.ts), read
 * by position in `toListed`. Not selected, because known without reading them: the workspace (the
 * query's), and the sort keys `kind_rank` and `title_key`, always written as `kindRank(kind)` and
 * `titleKey(title)` (create-item.ts, update-item.ts); every selected column costs about 16 µs a
 * 50-row page on SQLite. `itemColumns` are the item's own; then the caller's grant and the owner's name.
 */
const itemColumns = [
  'i.id',
  'i.kind',
  'i.title',
  'i.parent_id',
  'i.owner_id',
  'i.general_access',
  'i.workspace_permission',
  'i.created_at',
  'i.updated_at',
] as const;

const listedColumns = [...itemColumns, 'g.permission as grant_permission', 'u.name as owner_name'] as const;

/**
 * `listedColumns` for a caller whose permission no grant can change (a Super Admin; the owner of
 * every item listed): the grant column is null and no grant is read (one lookup fewer a row).
 */
const listedColumnsNoGrant = [
  ...itemColumns,
  sql<Permission | null>`null`.as('grant_permission'),
  'u.name as owner_name',
] as const;

/** A listing row (`listedColumns`, then the share's time in "shared with me") as a listed item. */
function toListed(v: unknown[], workspaceId: string): ListedItem {
  const kind = v[1] as ItemKind;
  const title = v[2] as string;
  const grantedAt = v[11];
  // A literal of one shape: listing pages build 50 of them.
  return {
    id: v[0] as string,
    workspaceId,
    kind,
    title,
    parentId: v[3] as string | null,
    ownerId: v[4] as string,
    generalAccess: v[5] as GeneralAccess,
    workspacePermission: v[6] as Permission,
    createdAt: Number(v[7]),
    updatedAt: Number(v[8]),
    // Listings hold live items only.
    trashedAt: null,
    trashedBy: null,
    trashRootId: null,
    grant: (v[9] as Permission | null) ?? null,
    ownerName: v[10] as string,
    kindRank: kindRank(kind),
    titleKey: titleKey(title),
    grantedAt: grantedAt === undefined || grantedAt === null ? null : Number(grantedAt),
  };
}

/**
 * The listings (a folder or the root, My library, Shared with me) are compiled once per shape (the
 * clauses they have) and run as reusable queries (data/reusable-query.ts): building one with Kysely
 * cost about 150 µs a page. They take the same arguments; the cursor's are unused on a first page.
 * They are `page` queries: on PostgreSQL a page is one JSON value (`npm run bench`, folder page at 50
 * connections, 2026-12-05: 955-970 -> 1,114-1,130 req/s, CPU 1,450-1,499 -> 1,301-1,332 µs a page).
 */
type ListingArgs = [
  workspaceId: string,
  parentId: string,
  userId: string,
  a: string | number,
  b: string,
  c: string,
  limit: number,
];

/** One page (and one row more, to tell whether another follows) of a listing query. */
async function listingPage(
  run: (conn: Conn, ...args: ListingArgs) => Promise<{ rows: unknown[] }>,
  conn: Conn,
  args: {
    workspaceId: string;
    parentId?: string;
    userId: string;
    after: (string | number)[] | null;
    limit: number;
  },
) {
  const { rows } = await run(
    conn,
    args.workspaceId,
    args.parentId ?? '',
    args.userId,
    ...cursorArgs(args.after),
    args.limit + 1,
  );
  return rows.map((r) => toListed(r as unknown[], args.workspaceId));
}

interface ChildrenShape {
  root: boolean;
  seesAll: boolean;
  inherits: boolean;
  sort: ItemSort;
  paged: boolean;
}

const childrenQuery = reusableByShape({
  key: (s: ChildrenShape) => `${+s.root}${+s.seesAll}${+s.inherits}${s.sort}${+s.paged}`,
  page: true,
  build:
    ({ root, seesAll, inherits, sort, paged }) =>
    (conn: Conn, ...[workspaceId, parentId, userId, a, b, c, limit]: ListingArgs) =>
      (seesAll
        ? conn
            .selectFrom('items as i')
            .innerJoin('user as u', 'u.id', 'i.owner_id')
            .select(listedColumnsNoGrant)
        : conn
            .selectFrom('items as i')
            .leftJoin('item_grants as g', (j) =>
              j.onRef('g.item_id', '=', 'i.id').on('g.user_id', '=', userId),
            )
            .innerJoin('user as u', 'u.id', 'i.owner_id')
            .select(listedColumns)
      )
        .where('i.workspace_id', '=', workspaceId)
        .$if(root, (q) => q.where('i.parent_id', 'is', null))
        .$if(!root, (q) => q.where('i.parent_id', '=', parentId))
        .where('i.trashed_at', 'is', null)
        .$if(!seesAll, (q) =>
          q.where((e) =>
            e.or([
              e('i.owner_id', '=', userId),
              e.and([
                e('i.general_access', '<>', sql.lit('only_me')),
                inherits
                  ? sql<boolean>`1 = 1`
                  : e.or([
                      e('g.permission', 'is not', null),
                      e('i.general_access', '=', sql.lit('workspace')),
                    ]),
              ]),
            ]),
          ),
        )
        .where(pageAfter(sort, paged ? [a, b, c] : null))
        .orderBy(pageOrder(sort))
        .limit(limit),
});

/**
 * One page of a folder's children (or the root's items) that the member can view, in one query.
 * Visible (SPEC §5): the member owns it, or it is not `only_me` and something reaches it: what the
 * folder passes down (`inherited`), their own grant on it, or its workspace-wide level.
 */
export async function listChildren(
  conn: Conn,
  workspaceId: string,
  parentId: string | null,
  q: ChildrenQuery,
) {
  const shape = {
    root: parentId === null,
    seesAll: q.seesAll,
    inherits: q.inherited > 0,
    sort: q.sort,
    paged: q.after !== null,
  };
  return listingPage(childrenQuery(shape), conn, {
    workspaceId,
    parentId: parentId ?? '',
    userId: q.userId,
    after: q.after,
    limit: q.limit,
  });
}

/**
 * "My library": the live items the member owns that are not inside a folder they own (those are
 * reached by opening that folder), sorted and paged like a folder. One query on the owner index.
 */
const ownedQuery = reusableByShape({
  key: (s: { sort: ItemSort; paged: boolean }) => `${s.sort}${+s.paged}`,
  page: true,
  build:
    ({ sort, paged }) =>
    (conn: Conn, ...[workspaceId, , userId, a, b, c, limit]: ListingArgs) =>
      conn
        .selectFrom('items as i')
        .leftJoin('items as p', 'p.id', 'i.parent_id')
        .innerJoin('user as u', 'u.id', 'i.owner_id')
        // The caller owns every item listed: no grant changes their permission.
        .select(listedColumnsNoGrant)
        .where('i.workspace_id', '=', workspaceId)
        .where('i.owner_id', '=', userId)
        .where('i.trashed_at', 'is', null)
        .where((e) =>
          e.or([
            e('i.parent_id', 'is', null),
            e.and([e('p.owner_id', '<>', userId), e('p.trashed_at', 'is', null)]),
          ]),
        )
        .where(pageAfter(sort, paged ? [a, b, c] : null))
        .orderBy(pageOrder(sort))
        .limit(limit),
});

export async function listOwnedBy(
  conn: Conn,
  workspaceId: string,
  userId: string,
  q: { sort: ItemSort; after: (string | number)[] | null; limit: number },
) {
  return listingPage(ownedQuery({ sort: q.sort, paged: q.after !== null }), conn, {
    workspaceId,
    userId,
    after: q.after,
    limit: q.limit,
  });
}

/**
 * "Shared with me": items others shared with the member directly, newest share first. A direct
 * grant on an item that is not `only_me` always lets its grantee view it.
 */
const sharedQuery = reusableByShape({
  key: (paged: boolean) => `${+paged}`,
  page: true,
  build:
    (paged) =>
    (conn: Conn, ...[workspaceId, , userId, a, b, , limit]: ListingArgs) =>
      conn
        .selectFrom('item_grants as g')
        .innerJoin('items as i', 'i.id', 'g.item_id')
        .innerJoin('user as u', 'u.id', 'i.owner_id')
        .select([...listedColumns, 'g.created_at as granted_at'])
        .where('g.workspace_id', '=', workspaceId)
        .where('g.user_id', '=', userId)
        .where('i.owner_id', '<>', userId)
        .where('i.trashed_at', 'is', null)
        .where('i.general_access', '<>', sql.lit('only_me'))
        .$if(paged, (q) => q.where(sql<boolean>`(g.created_at, g.item_id) < (${a}, ${b})`))
        .orderBy('g.created_at', 'desc')
        .orderBy('g.item_id', 'desc')
        .limit(limit),
});

export async function listSharedWith(
  conn: Conn,
  workspaceId: string,
  userId: string,
  q: { after: [number, string] | null; limit: number },
) {
  return listingPage(sharedQuery(q.after !== null), conn, {
    workspaceId,
    userId,
    after: q.after,
    limit: q.limit,
  });
}

const upsertGrantQuery = reusable(
  (
    conn: Conn,
    itemId: string,
    userId: string,
    workspaceId: string,
    permission: string,
    grantedBy: string,
    now: number,
  ) =>
    conn
      .insertInto('item_grants')
      .values({
        item_id: itemId,
        user_id: userId,
        workspace_id: workspaceId,
        permission: permission as Permission,
        granted_by: grantedBy,
        created_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['item_id', 'user_id'])
          .doUpdateSet({ permission: permission as Permission, granted_by: grantedBy }),
      ),
);

export async function upsertGrant(
  conn: Conn,
  g: { itemId: string; userId: string; workspaceId: string; permission: Permission; grantedBy: string },
  now: number,
): Promise<void> {
  await upsertGrantQuery(conn, g.itemId, g.userId, g.workspaceId, g.permission, g.grantedBy, now);
}

/** `upsertGrant` as a part of a use case's `writeTogether`. */
export const upsertGrantPart = (
  conn: Conn,
  g: { itemId: string; userId: string; workspaceId: string; permission: Permission; grantedBy: string },
  now: number,
): WritePart =>
  upsertGrantQuery.part(conn, g.itemId, g.userId, g.workspaceId, g.permission, g.grantedBy, now);

/** Unsharing, as common as sharing: compiled once (data/reusable-query.ts). */
const deleteGrantQuery = reusable((conn: Conn, workspaceId: string, itemId: string, userId: string) =>
  conn
    .deleteFrom('item_grants')
    .where('workspace_id', '=', workspaceId)
    .where('item_id', '=', itemId)
    .where('user_id', '=', userId),
);

export async function deleteGrant(
  conn: Conn,
  workspaceId: string,
  itemId: string,
  userId: string,
): Promise<boolean> {
  const res = await deleteGrantQuery(conn, workspaceId, itemId, userId);
  return Number(res.numAffectedRows ?? 0) > 0;
}

/** A removed member's items pass to `toUserId`; their grants in the workspace end. Returns items moved. */
export async function handOverItems(
  conn: Conn,
  workspaceId: string,
  fromUserId: string,
  toUserId: string,
  now: number,
) {
  const res = await conn
    .updateTable('items')
    .set({ owner_id: toUserId, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('owner_id', '=', fromUserId)
    .executeTakeFirst();
  await conn
    .deleteFrom('item_grants')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', fromUserId)
    .execute();
  return Number(res.numUpdatedRows);
}

/**
 * How many levels a folder's subtree reaches below it (0: nothing inside), counting what is in the
 * trash too (it may come back in place), read down the tree by a recursive query that stops at
 * `bound` levels: a move's depth check needs no more than that (and corrupt data cannot loop it).
 */
export async function subtreeHeight(
  conn: Conn,
  workspaceId: string,
  id: string,
  bound: number,
): Promise<number> {
  const { rows } = await sql<{ height: number | string | null }>`
    WITH RECURSIVE sub(id, depth) AS (
      SELECT id, 0 FROM items WHERE id = ${id} AND workspace_id = ${workspaceId}
      UNION ALL
      SELECT i.id, s.depth + 1 FROM items i JOIN sub s ON i.parent_id = s.id WHERE s.depth < ${sql.lit(bound)}
    )
    SELECT max(depth) AS height FROM sub`.execute(conn);
  return Number(rows[0]?.height ?? 0);
}

/**
 * Moves an item and everything inside it to the trash: one recursive UPDATE down the tree. Items
 * inside that were deleted before keep their own deletion (and come back only with it).
 */
export async function trashSubtree(
  conn: Conn,
  workspaceId: string,
  id: string,
  by: string,
  now: number,
): Promise<number> {
  const res = await sql`
    WITH RECURSIVE sub(id, depth) AS (
      SELECT id, 0 FROM items WHERE id = ${id} AND workspace_id = ${workspaceId}
      UNION ALL
      SELECT i.id, s.depth + 1 FROM items i JOIN sub s ON i.parent_id = s.id WHERE s.depth < 1000
    )
    UPDATE items SET trashed_at = ${now}, trashed_by = ${by}, trash_root_id = ${id}
    WHERE id IN (SELECT id FROM sub) AND trashed_at IS NULL`.execute(conn);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * Brings a deleted item and what went with it back. When the folder it was in is itself in the
 * trash now, the item comes back at the library root (as Google Drive does).
 */
export async function restoreSubtree(
  conn: Conn,
  workspaceId: string,
  id: string,
  now: number,
): Promise<void> {
  await conn
    .updateTable('items')
    .set({ parent_id: null, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('items as p')
          .select('p.id')
          .whereRef('p.id', '=', 'items.parent_id')
          .where('p.trashed_at', 'is not', null),
      ),
    )
    .execute();
  await conn
    .updateTable('items')
    .set({ trashed_at: null, trashed_by: null, trash_root_id: null })
    .where('workspace_id', '=', workspaceId)
    .where('trash_root_id', '=', id)
    .execute();
}

export interface TrashedRow extends ItemRecord {
  ownerName: string;
  trashedByName: string | null;
}

/**
 * One page of a workspace's trash: the deleted items themselves (not what went with them), newest
 * deletion first. The caller filters by who may restore each.
 */
export async function listTrash(
  conn: Conn,
  workspaceId: string,
  q: { after: [number, string] | null; limit: number },
): Promise<TrashedRow[]> {
  const rows = await conn
    .selectFrom('items as i')
    .innerJoin('user as u', 'u.id', 'i.owner_id')
    .leftJoin('user as t', 't.id', 'i.trashed_by')
    .selectAll('i')
    .select(['u.name as owner_name', 't.name as trashed_by_name'])
    .where('i.workspace_id', '=', workspaceId)
    .where('i.trashed_at', 'is not', null)
    .whereRef('i.trash_root_id', '=', 'i.id')
    .$if(q.after !== null, (b) => {
      const [at, id] = q.after as [number, string];
      return b.where(sql<boolean>`(i.trashed_at, i.id) < (${at}, ${id})`);
    })
    .orderBy('i.trashed_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  return rows.map((r) => {
    // Added, not spread in (see toListed).
    const item = toItemRecord(r as never) as TrashedRow;
    item.ownerName = r.owner_name;
    item.trashedByName = r.trashed_by_name ?? null;
    return item;
  });
}

/** Deleted items whose 30 days are over (any workspace), oldest first. */
export async function listExpiredTrash(
  conn: Conn,
  before: number,
  limit: number,
): Promise<{ id: string; workspaceId: string }[]> {
  const rows = await conn
    .selectFrom('items')
    .select(['id', 'workspace_id'])
    .where((eb) => expiredTrashRoot(eb, before))
    .orderBy('trashed_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }));
}
