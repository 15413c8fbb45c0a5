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
}

const apiKeyQuery = reusable((conn: Conn, keyHash: string) =>
  conn
    .selectFrom('api_keys as k')
    .innerJoin('user as u', 'u.id', 'k.user_id')
    .innerJoin('workspaces as w', 'w.id', 'k.workspace_id')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.workspace_id', '=', 'k.workspace_id').onRef('m.user_id', '=', 'k.user_id'),
    )
    .select([
      'w.name as workspace_name',
      'w.members_version',
      'k.id',
      'k.workspace_id',
      'k.user_id',
      'k.expires_at',
      'k.revoked_at',
      'k.last_used_at',
      'u.email',
      'u.name',
      'u.emailVerified',
      'm.role',
    ])
    .where('k.key_hash', '=', keyHash),
);

/** A key as read with its owner, its workspace and the owner's membership (here, and by access.repo.ts `keyChain`). */
export interface ApiKeyLookupRow {
  id: string;
  workspace_id: string;
  user_id: string;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  email: string;
  name: string;
  emailVerified: boolean | number;
  workspace_name: string;
  members_version: number;
  role: string | null;
}

/** One indexed lookup per request: the key by its hash, its owner, and the owner's current membership. */
export async function findApiKeyByHash(conn: Conn, keyHash: string): Promise<ApiKeyFacts | null> {
  const row = (await apiKeyQuery(conn, keyHash)).rows[0];
  return row ? apiKeyFactsOf(row) : null;
}

export function apiKeyFactsOf(row: ApiKeyLookupRow): ApiKeyFacts {
  return {
    keyId: row.id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerified === true || row.emailVerified === 1,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    role: (row.role ?? null) as Role | null,
    workspaceName: row.workspace_name,
    membersVersion: row.members_version,
  };
}

export async function touchApiKey(conn: Conn, id: string, now: number): Promise<void> {
  await conn.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function revokeApiKeysOfUser(
  conn: Conn,
  workspaceId: string,
  userId: string,
  now: number,
): Promise<void> {
  await revokeKeysQuery(conn, workspaceId, userId, now);
}
const revokeKeysQuery = reusable((conn: Conn, workspaceId: string, userId: string, now: number) =>
  conn
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null),
);
