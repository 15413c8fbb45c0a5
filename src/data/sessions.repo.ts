import type { Role } from '../contract/roles.ts';
import type { Conn } from './db.ts';
import { reusable } from './reusable-query.ts';

export interface SessionFacts {
  /** The session row's id (not its token). */
  sessionId: string;
  /** When the session row was last written: its "last active" time, kept within minutes. */
  updatedAt: number;
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  expiresAt: number;
  /** The caller's role in the addressed workspace, or null when they are not a member. */
  role: Role | null;
  /** The addressed workspace's members version (migration 0005) when the caller is a member. */
  membersVersion: number | null;
  /** The addressed workspace's items version (migration 0044) when the caller is a member. */
  itemsVersion: number | null;
  /** The addressed workspace's grants version (migration 0047) when the caller is a member. */
  grantsVersion: number | null;
}

const asBool = (v: boolean | number) => v === true || v === 1;
/** Better Auth's timestamps as epoch ms: a Date (PostgreSQL), ISO text (SQLite), or already a number. */
export const asMs = (v: Date | string | number) =>
  v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);

/**
 * The caller, from the session row and its user: the columns both lookups below read, first and in
 * this order (their rows come as arrays, read by position: `callerOf`; building a row object cost
 * better-sqlite3 about 0.3 µs a value, twice an array's).
 */
const CALLER = [
  's.id as sessionId',
  's.updatedAt',
  's.userId',
  's.expiresAt',
  'u.email',
  'u.name',
  'u.emailVerified',
] as const;

const sessionQuery = reusable(
  (conn: Conn, token: string, workspaceId: string) =>
    conn
      .selectFrom('session as s')
      .innerJoin('user as u', 'u.id', 's.userId')
      // No workspace addressed: the join matches nothing and role is null.
      .leftJoin('memberships as m', (j) =>
        j.onRef('m.user_id', '=', 's.userId').on('m.workspace_id', '=', workspaceId),
      )
      .leftJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select([...CALLER, 'm.role', 'w.members_version', 'w.items_version', 'w.grants_version'])
      .where('s.token', '=', token),
  { arrays: true },
);

const meQuery = reusable(
  (conn: Conn, token: string) =>
    conn
      .selectFrom('session as s')
      .innerJoin('user as u', 'u.id', 's.userId')
      .leftJoin('memberships as m', 'm.user_id', 's.userId')
      .leftJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select([...CALLER, 'w.id as wsId', 'w.name as wsName', 'm.role'])
      .where('s.token', '=', token)
      .orderBy('w.name')
      .orderBy('w.id'),
  { arrays: true },
);

/** What `findSession` reads of the addressed workspace (after the `CALLER` columns). */
type WorkspaceFacts = 'role' | 'membersVersion' | 'itemsVersion' | 'grantsVersion';

/** The `CALLER` columns of a row read as an array. */
function callerOf(v: unknown[]): Omit<SessionFacts, WorkspaceFacts> {
  return {
    sessionId: v[0] as string,
    updatedAt: asMs(v[1] as Date | string | number),
    userId: v[2] as string,
    expiresAt: asMs(v[3] as Date | string | number),
    email: v[4] as string,
    name: v[5] as string,
    emailVerified: asBool(v[6] as boolean | number),
  };
}

/**
 * One indexed lookup per request: the session by its (unique) token, its user, and, when a
 * workspace is addressed, the caller's membership there. Better Auth owns the session rows;
 * deleting one (sign-out, revocation) is seen by the very next request.
 */
export async function findSession(
  conn: Conn,
  token: string,
  workspaceId: string | null,
): Promise<SessionFacts | null> {
  const row = (await sessionQuery(conn, token, workspaceId ?? '')).rows[0] as unknown[] | undefined;
  if (!row) return null;
  const facts = callerOf(row) as SessionFacts;
  // Added after, not spread in: V8's slow path (docs/ARCHITECTURE.md).
  const at = CALLER.length;
  facts.role = (row[at] ?? null) as Role | null;
  facts.membersVersion = (row[at + 1] ?? null) as number | null;
  facts.itemsVersion = (row[at + 2] ?? null) as number | null;
  facts.grantsVersion = (row[at + 3] ?? null) as number | null;
  return facts;
}

export interface MeRow extends Omit<SessionFacts, WorkspaceFacts> {
  workspaces: { id: string; name: string; role: Role }[];
}

/** The signed-in user and all their workspaces, in one query (one row per membership). */
export async function findSessionWithWorkspaces(conn: Conn, token: string): Promise<MeRow | null> {
  const rows = (await meQuery(conn, token)).rows as unknown as unknown[][];
  const first = rows[0];
  if (!first) return null;
  const me = callerOf(first) as MeRow;
  me.workspaces = [];
  const at = CALLER.length; // wsId, wsName, role
  for (const r of rows) {
    const id = r[at];
    const name = r[at + 1];
    const role = r[at + 2];
    if (id !== null && name !== null && role !== null)
      me.workspaces.push({ id: id as string, name: name as string, role: role as Role });
  }
  return me;
}

/**
 * Of these session tokens (hashed, as stored), the ones that still name a live session at `now`:
 * long-lived responses (notification streams) ask this for all their sessions at once.
 */
export async function liveSessionTokens(
  conn: Conn,
  tokens: readonly string[],
  now: number,
): Promise<Set<string>> {
  const live = new Set<string>();
  for (let i = 0; i < tokens.length; i += 500) {
    const rows = await conn
      .selectFrom('session')
      .select(['token', 'expiresAt'])
      .where('token', 'in', tokens.slice(i, i + 500))
      .execute();
    for (const r of rows) if (asMs(r.expiresAt) > now) live.add(r.token);
  }
  return live;
}
