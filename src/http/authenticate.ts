import type { FastifyRequest } from 'fastify';
import type { Actor, WorkspaceActor } from '../app/actor.ts';
import type { Db } from '../data/db.ts';
import { findSession, findSessionWithWorkspaces, type MeRow } from '../data/sessions.repo.ts';
import { DomainError } from '../domain/errors.ts';
import type { Clock } from '../infra/clock.ts';

export interface Authenticator {
  /** The signed-in caller, or 401. */
  actor(req: FastifyRequest): Promise<Actor>;
  /** The signed-in caller and their role in `workspaceId` (null role: not a member), in one query. */
  workspaceActor(req: FastifyRequest, workspaceId: string): Promise<WorkspaceActor>;
  /** The caller and all their workspaces, in one query (GET /api/me). */
  me(req: FastifyRequest): Promise<MeRow>;
  /** True when the request carries a session cookie with a valid signature. */
  hasSessionCookie(req: FastifyRequest): boolean;
}

const unauthenticated = () => new DomainError('unauthenticated', 'Sign in to continue');

export function createAuthenticator(deps: {
  db: Db;
  clock: Clock;
  readSessionToken: (cookieHeader: string | undefined) => string | null;
}): Authenticator {
  const token = (req: FastifyRequest) => {
    const t = deps.readSessionToken(req.headers.cookie);
    if (!t) throw unauthenticated();
    return t;
  };
  const live = <T extends { expiresAt: number }>(row: T | null): T => {
    if (!row || row.expiresAt <= deps.clock.now()) throw unauthenticated();
    return row;
  };
  return {
    async actor(req) {
      const s = live(await findSession(deps.db, token(req), null));
      return { userId: s.userId, email: s.email, name: s.name, emailVerified: s.emailVerified };
    },
    async workspaceActor(req, workspaceId) {
      const s = live(await findSession(deps.db, token(req), workspaceId));
      return {
        userId: s.userId,
        email: s.email,
        name: s.name,
        emailVerified: s.emailVerified,
        workspaceId,
        role: s.role,
      };
    },
    async me(req) {
      return live(await findSessionWithWorkspaces(deps.db, token(req)));
    },
    hasSessionCookie: (req) => deps.readSessionToken(req.headers.cookie) !== null,
  };
}
