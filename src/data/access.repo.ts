import { sql } from 'kysely';
import type { GeneralAccess, ItemKind, Permission } from '../contract/items.ts';
import type { Role } from '../contract/roles.ts';
import type { ChainLink } from '../domain/access.ts';
import type { Conn } from './db.ts';
import { reusable } from './reusable-query.ts';

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
}

/** An item, its ancestors (nearest first) and the member's grant on each, plus the member's role. */
export interface LoadedChain {
  item: ItemRecord;
  /** chain[0] is the item itself. */
  chain: (ChainLink & { record: ItemRecord })[];
  /** The member's role in the item's workspace; null when not a member. */
  role: Role | null;
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
  grant_permission: string | null;
  member_role: string | null;
}

/** Folders are never nested deeper than this; it also stops a walk on corrupt data. */
export const MAX_DEPTH = 64;

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
  for (const r of rows) {
    const record = toItemRecord(r);
    const link = {
      id: record.id,
      title: record.title,
      ownerId: record.ownerId,
      generalAccess: record.generalAccess,
      workspacePermission: record.workspacePermission,
      grant: (r.grant_permission as Permission | null) ?? null,
      record,
    };
    const entry = out.get(r.start_id);
    if (entry) entry.chain.push(link);
    else out.set(r.start_id, { item: record, chain: [link], role: (r.member_role as Role | null) ?? null });
  }
  return out;
}

export interface ChainGrant {
  itemId: string;
  userId: string;
  permission: Permission;
  name: string;
  email: string;
  role: Role | null;
}

/** Every grant on the given items, with the grantee's name and current role in the workspace. */
export async function listGrantsOn(
  conn: Conn,
  workspaceId: string,
  itemIds: string[],
): Promise<ChainGrant[]> {
  if (itemIds.length === 0) return [];
  const rows = await conn
    .selectFrom('item_grants as g')
    .innerJoin('user as u', 'u.id', 'g.user_id')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 'g.user_id').on('m.workspace_id', '=', workspaceId),
    )
    .select(['g.item_id', 'g.user_id', 'g.permission', 'u.name', 'u.email', 'm.role'])
    .where('g.workspace_id', '=', workspaceId)
    .where('g.item_id', 'in', itemIds)
    .orderBy('u.name')
    .execute();
  return rows.map((r) => ({
    itemId: r.item_id,
    userId: r.user_id,
    permission: r.permission as Permission,
    name: r.name,
    email: r.email,
    role: (r.role ?? null) as Role | null,
  }));
}
