import type { InferResult } from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn } from './db.ts';
import { reusable } from './reusable-query.ts';
import type { ApiKeysTable } from './schema.ts';

export type ApiKeyRow = ApiKeysTable;

export async function insertApiKey(conn: Conn, row: ApiKeyRow): Promise<void> {
  await conn.insertInto('api_keys').values(row).execute();
}

/** Live keys of the workspace (all owners, or one), with their owner's name. */
export async function listApiKeys(conn: Conn, workspaceId: string, ownerId: string | null) {
  return conn
    .selectFrom('api_keys as k')
    .innerJoin('user as u', 'u.id', 'k.user_id')
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'k.created_at',
      'k.expires_at',
      'k.last_used_at',
      'k.user_id',
      'u.name as owner_name',
    ])
    .where('k.workspace_id', '=', workspaceId)
    .where('k.revoked_at', 'is', null)
    .$if(ownerId !== null, (q) => q.where('k.user_id', '=', ownerId as string))
    .orderBy('k.id', 'desc')
    .execute();
}

export async function findApiKey(
  conn: Conn,
  workspaceId: string,
  id: string,
): Promise<ApiKeyRow | undefined> {
  return conn
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function revokeApiKey(
  conn: Conn,
  workspaceId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const res = await conn
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export interface ApiKeyFacts {
  keyId: string;
  workspaceId: string;
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /** The owner's current role in the key's workspace; null once they are removed. */
  role: Role | null;
  workspaceName: string;
  /** The key's workspace's members version (see WorkspaceActor.membersVersion). */
  membersVersion: number;
  /** The key's workspace's items version (see WorkspaceActor.itemsVersion). */
  itemsVersion: number;
  /** The key's workspace's grants version (see WorkspaceActor.grantsVersion). */
  grantsVersion: number;
}

/** What `keyLookup` selects, in this order: its rows are read by position (`apiKeyFactsOf`). */
const KEY_SELECT = [
  'k.user_id as user_id',
  'k.id as key_id',
  'k.workspace_id as key_workspace_id',
  'k.expires_at as key_expires_at',
  'k.revoked_at as key_revoked_at',
  'k.last_used_at as key_last_used_at',
  'u.email as key_email',
  'u.name as key_name',
  'u.emailVerified as key_email_verified',
  'w.name as key_workspace_name',
  'w.members_version as key_members_version',
  'w.items_version as key_items_version',
  'w.grants_version as key_grants_version',
  'm.role as key_role',
] as const;

/**
 * The key by its hash, with its owner, its workspace and the owner's membership there: the one
 * definition of that lookup, run alone (`findApiKeyByHash`) and as the caller of the one-query
 * item read (access.repo.ts `keyChain`, which takes `user_id` from it and returns `KEY_COLUMNS`).
 */
export const keyLookup = (conn: Conn, keyHash: string) =>
  conn
    .selectFrom('api_keys as k')
    .innerJoin('user as u', 'u.id', 'k.user_id')
    .innerJoin('workspaces as w', 'w.id', 'k.workspace_id')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.workspace_id', '=', 'k.workspace_id').onRef('m.user_id', '=', 'k.user_id'),
    )
    .select(KEY_SELECT)
    .where('k.key_hash', '=', keyHash);

/** The columns of `keyLookup` by name. */
export type ApiKeyLookupRow = InferResult<ReturnType<typeof keyLookup>>[number];

/** `keyLookup`'s column names in its select's order, for a query that embeds it (access.repo.ts `keyChain`). */
export const KEY_COLUMNS = KEY_SELECT.map((s) => s.split(' as ')[1]) as (keyof ApiKeyLookupRow)[];

/** Each column's position in a `keyLookup` row. */
const KEY_AT = Object.fromEntries(KEY_COLUMNS.map((c, i) => [c, i])) as Record<keyof ApiKeyLookupRow, number>;

const apiKeyQuery = reusable(keyLookup, { arrays: true });

/** One indexed lookup per request: the key by its hash, its owner, and the owner's current membership. */
export async function findApiKeyByHash(conn: Conn, keyHash: string): Promise<ApiKeyFacts | null> {
  const row = (await apiKeyQuery(conn, keyHash)).rows[0] as unknown[] | undefined;
  return row ? apiKeyFactsOf(row, 0) : null;
}

/** The key's facts from a row read as an array, its `KEY_COLUMNS` from `at` on. */
export function apiKeyFactsOf(v: unknown[], at: number): ApiKeyFacts {
  const K = KEY_AT;
  const verified = v[at + K.key_email_verified];
  return {
    userId: v[at + K.user_id] as string,
    keyId: v[at + K.key_id] as string,
    workspaceId: v[at + K.key_workspace_id] as string,
    expiresAt: v[at + K.key_expires_at] as ApiKeyLookupRow['key_expires_at'],
    revokedAt: v[at + K.key_revoked_at] as ApiKeyLookupRow['key_revoked_at'],
    lastUsedAt: v[at + K.key_last_used_at] as ApiKeyLookupRow['key_last_used_at'],
    email: v[at + K.key_email] as string,
    name: v[at + K.key_name] as string,
    emailVerified: verified === true || verified === 1,
    workspaceName: v[at + K.key_workspace_name] as string,
    membersVersion: v[at + K.key_members_version] as ApiKeyLookupRow['key_members_version'],
    itemsVersion: v[at + K.key_items_version] as ApiKeyLookupRow['key_items_version'],
    grantsVersion: v[at + K.key_grants_version] as ApiKeyLookupRow['key_grants_version'],
    role: (v[at + K.key_role] ?? null) as Role | null,
  };
}

export async function touchApiKey(conn: Conn, id: string, now: number): Promise<void> {
  await conn.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

/**
 * Revokes the user's live keys in the workspace (their role lost API access, or they left or were
 * removed) and answers which were revoked, for their audit entries.
 */
export async function revokeApiKeysOfUser(
  conn: Conn,
  workspaceId: string,
  userId: string,
  now: number,
): Promise<{ id: string; name: string; prefix: string }[]> {
  return (await revokeKeysQuery(conn, workspaceId, userId, now)).rows;
}

const revokeKeysQuery = reusable((conn: Conn, workspaceId: string, userId: string, now: number) =>
  conn
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning(['id', 'name', 'prefix']),
);
