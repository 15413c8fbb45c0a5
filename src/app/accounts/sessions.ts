import type { AccountSession } from '../../contract/account.ts';
import { isoTime } from '../../contract/time.ts';
import {
  deleteSessionOfUser,
  deleteSessionOfUserByStoredToken,
  deleteSessionsOfUser,
  listLiveSessions,
} from '../../data/account.repo.ts';
import type { Db, Dialect } from '../../data/db.ts';
import { describeDevice } from '../../domain/account.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { requireAccountAccess } from '../gate.ts';

/** The signed-in person's live sessions, most recently active first, "this device" marked. */
export async function listSessions(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: Actor,
): Promise<{ sessions: AccountSession[]; nextCursor: null }> {
  const { sessionId } = requireAccountAccess(actor, 'sessions:manage');
  const rows = await listLiveSessions(deps.db, deps.dialect, actor.userId, deps.clock.now());
  const sessions = rows.map((r) => ({
    id: r.id,
    userAgent: r.userAgent || null,
    device: describeDevice(r.userAgent),
    ipAddress: r.ipAddress || null,
    createdAt: isoTime(r.createdAt),
    lastActiveAt: isoTime(Math.max(r.updatedAt, r.createdAt)),
    expiresAt: isoTime(r.expiresAt),
    current: r.id === sessionId,
  }));
  // This device first, then the others by last activity.
  sessions.sort((a, b) => Number(b.current) - Number(a.current));
  return { sessions, nextCursor: null };
}

/**
 * Ends one of the person's sessions: its row is deleted, so its cookie's very next request is
 * refused (every request reads the session row). Another person's session id is not found.
 */
export async function revokeSession(deps: { db: Db }, actor: Actor, sessionId: string): Promise<void> {
  requireAccountAccess(actor, 'sessions:manage');
  if (!(await deleteSessionOfUser(deps.db, actor.userId, sessionId))) throw notFound('Session');
}

/**
 * Better Auth's `revoke-session {token}`: ends the person's session that `token` names, where
 * `token` is what `GET /api/auth/list-sessions` gives out (the stored hash of the session token).
 * Another person's session, or no session, is not found. Answers whether it was the session asking.
 */
export async function revokeListedSession(
  deps: { db: Db },
  actor: Actor,
  listedToken: string,
): Promise<{ current: boolean }> {
  const { sessionId } = requireAccountAccess(actor, 'sessions:manage');
  const revoked = await deleteSessionOfUserByStoredToken(deps.db, actor.userId, listedToken);
  if (revoked === null) throw notFound('Session');
  return { current: revoked === sessionId };
}

/** Ends every session of the person but the one asking ("sign out of all other sessions"). */
export async function revokeOtherSessions(deps: { db: Db }, actor: Actor): Promise<{ revoked: number }> {
  const { sessionId } = requireAccountAccess(actor, 'sessions:manage');
  return { revoked: await deleteSessionsOfUser(deps.db, actor.userId, sessionId) };
}
