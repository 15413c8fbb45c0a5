/**
 * A person's own records in Better Auth's tables (`user`, `session`, `account`): the account page.
 * Better Auth owns these tables and their columns (camelCase; times are Date on PostgreSQL and ISO
 * text on SQLite, booleans true/false or 1/0), so values are written in the dialect's own form.
 */
import type { Conn, Dialect } from './db.ts';
import { asMs } from './sessions.repo.ts';

/** A time as Better Auth stores it in this dialect. */
export const authTime = (dialect: Dialect, ms: number): Date | string =>
  dialect === 'sqlite' ? new Date(ms).toISOString() : new Date(ms);

const authTrue = (dialect: Dialect) => (dialect === 'sqlite' ? 1 : true);

export interface SessionRow {
  id: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

/** The user's sessions that have not expired, most recently active first. */
export async function listLiveSessions(conn: Conn, dialect: Dialect, userId: string, now: number) {
  const rows = await conn
    .selectFrom('session')
    .select(['id', 'userAgent', 'ipAddress', 'createdAt', 'updatedAt', 'expiresAt'])
    .where('userId', '=', userId)
    .where('expiresAt', '>', authTime(dialect, now))
    .execute();
  return rows
    .map(
      (r): SessionRow => ({
        id: r.id,
        userAgent: r.userAgent,
        ipAddress: r.ipAddress,
        createdAt: asMs(r.createdAt),
        updatedAt: asMs(r.updatedAt),
        expiresAt: asMs(r.expiresAt),
      }),
    )
    .sort((a, b) => b.updatedAt - a.updatedAt || b.createdAt - a.createdAt);
}

/** Ends one of the user's sessions; false when they have no session with that id. */
export async function deleteSessionOfUser(conn: Conn, userId: string, sessionId: string): Promise<boolean> {
  const res = await conn
    .deleteFrom('session')
    .where('id', '=', sessionId)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/**
 * Ends the user's session whose stored token (the token's hash) is `storedToken`; answers its id,
 * or null when they have no such session.
 */
export async function deleteSessionOfUserByStoredToken(
  conn: Conn,
  userId: string,
  storedToken: string,
): Promise<string | null> {
  const row = await conn
    .deleteFrom('session')
    .where('token', '=', storedToken)
    .where('userId', '=', userId)
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Ends every session of the user but `keepId` (null: every one). Returns how many ended. */
export async function deleteSessionsOfUser(
  conn: Conn,
  userId: string,
  keepId: string | null,
): Promise<number> {
  const res = await conn
    .deleteFrom('session')
    .where('userId', '=', userId)
    .$if(keepId !== null, (q) => q.where('id', '!=', keepId as string))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Records that a session was used (its "last active" time) and, given `expiresAt`, renews it: it
 * then lasts until that time.
 */
export async function touchSession(
  conn: Conn,
  dialect: Dialect,
  sessionId: string,
  now: number,
  expiresAt: number | null = null,
) {
  await conn
    .updateTable('session')
    .set({
      updatedAt: authTime(dialect, now),
      ...(expiresAt === null ? {} : { expiresAt: authTime(dialect, expiresAt) }),
    })
    .where('id', '=', sessionId)
    .execute();
}

/** The stored password hash of the user's email-and-password login, or null. */
export async function findPasswordHash(conn: Conn, userId: string): Promise<string | null> {
  const row = await conn
    .selectFrom('account')
    .select('password')
    .where('userId', '=', userId)
    .where('providerId', '=', 'credential')
    .executeTakeFirst();
  return row?.password ?? null;
}

export async function updatePasswordHash(
  conn: Conn,
  dialect: Dialect,
  userId: string,
  hash: string,
  now: number,
): Promise<boolean> {
  const res = await conn
    .updateTable('account')
    .set({ password: hash, updatedAt: authTime(dialect, now) })
    .where('userId', '=', userId)
    .where('providerId', '=', 'credential')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function updateUserName(
  conn: Conn,
  dialect: Dialect,
  userId: string,
  name: string,
  now: number,
) {
  await conn
    .updateTable('user')
    .set({ name, updatedAt: authTime(dialect, now) })
    .where('id', '=', userId)
    .execute();
}

/**
 * Marks the user's email verified, only while it is still `email` (the address that was proved).
 * Returns whether it changed anything.
 */
export async function markEmailVerified(
  conn: Conn,
  dialect: Dialect,
  userId: string,
  email: string,
  now: number,
): Promise<boolean> {
  const res = await conn
    .updateTable('user')
    .set({ emailVerified: authTrue(dialect), updatedAt: authTime(dialect, now) })
    .where('id', '=', userId)
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Deletes the user with their sessions and logins. Troupe's own rows follow by foreign key. */
export async function deleteUserRows(conn: Conn, userId: string): Promise<void> {
  await conn.deleteFrom('session').where('userId', '=', userId).execute();
  await conn.deleteFrom('account').where('userId', '=', userId).execute();
  await conn.deleteFrom('user').where('id', '=', userId).execute();
}

/** The workspaces where `userId` is the only Super Admin, by name. */
export async function listSoleAdminWorkspaces(conn: Conn, userId: string) {
  return conn
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name'])
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'super_admin')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('memberships as o')
            .select('o.user_id')
            .whereRef('o.workspace_id', '=', 'm.workspace_id')
            .where('o.role', '=', 'super_admin')
            .where('o.user_id', '!=', userId),
        ),
      ),
    )
    .orderBy('w.name')
    .orderBy('w.id')
    .execute();
}

/**
 * The workspaces a user leaves traces in that must pass to someone when the account goes: their
 * memberships, the items they own and the workspaces they created (owner and creator columns have
 * no "on delete"). Sorted by id, the order workspaces are locked in.
 */
export async function listWorkspacesTouchedBy(conn: Conn, userId: string): Promise<string[]> {
  const members = await conn
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', userId)
    .execute();
  const owned = await conn
    .selectFrom('items')
    .select('workspace_id')
    .distinct()
    .where('owner_id', '=', userId)
    .execute();
  const created = await conn
    .selectFrom('workspaces')
    .select('id as workspace_id')
    .where('created_by', '=', userId)
    .execute();
  return [...new Set([...members, ...owned, ...created].map((r) => r.workspace_id))].sort();
}

/** The workspace's recorded creator becomes `toUserId` (the creator's account is going). */
export async function handOverCreatedBy(
  conn: Conn,
  workspaceId: string,
  fromUserId: string,
  toUserId: string,
) {
  await conn
    .updateTable('workspaces')
    .set({ created_by: toUserId })
    .where('id', '=', workspaceId)
    .where('created_by', '=', fromUserId)
    .execute();
}

/** When the user signed up (epoch ms), or null when there is no such user. */
export async function findUserCreatedAt(conn: Conn, userId: string): Promise<number | null> {
  const row = await conn.selectFrom('user').select('createdAt').where('id', '=', userId).executeTakeFirst();
  return row ? asMs(row.createdAt) : null;
}
