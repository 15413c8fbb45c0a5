import type { FastifyRequest } from 'fastify';
import type { Actor, WorkspaceActor } from '../app/actor.ts';
import { type ApiKeyFacts, findApiKeyByHash, touchApiKey } from '../data/api-keys.repo.ts';
import type { Db } from '../data/db.ts';
import { findSession, findSessionWithWorkspaces, type MeRow } from '../data/sessions.repo.ts';
import { DomainError } from '../domain/errors.ts';
import { can } from '../domain/roles.ts';
import type { Clock } from '../infra/clock.ts';
import { hashToken } from '../infra/tokens.ts';

export interface Authenticator {
  /** The signed-in caller (session cookie or API key), or 401. */
  actor(req: FastifyRequest): Promise<Actor>;
  /**
   * For a route that reads the session in its own query (one round trip): the API key's caller
   * when the request carries one, else the session cookie's token, not yet looked up (401 when
   * there is neither). The route's use case must then treat an unknown or expired session as 401.
   */
  credentials(req: FastifyRequest): Promise<{ actor: Actor } | { sessionToken: string }>;
  /** The caller and their role in `workspaceId` (null role: not a member), in one query. */
  workspaceActor(req: FastifyRequest, workspaceId: string): Promise<WorkspaceActor>;
  /** The caller and their workspaces, in one query (GET /api/me). */
  me(req: FastifyRequest): Promise<MeRow>;
  /** True when the request carries a session cookie with a valid signature. */
  hasSessionCookie(req: FastifyRequest): boolean;
}

const unauthenticated = (detail = 'Sign in to continue') => new DomainError('unauthenticated', detail);
/** last_used_at is written at most once a minute per key: reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

export function createAuthenticator(deps: {
  db: Db;
  clock: Clock;
  readSessionToken: (cookieHeader: string | undefined) => string | null;
  log?: { warn(obj: object, msg: string): void };
}): Authenticator {
  /** The session token from the signed cookie, as the session table stores it: hashed. */
  const token = (req: FastifyRequest) => {
    const t = deps.readSessionToken(req.headers.cookie);
    if (!t) throw unauthenticated();
    return hashToken(t);
  };
  const live = <T extends { expiresAt: number }>(row: T | null): T => {
    if (!row || row.expiresAt <= deps.clock.now()) throw unauthenticated();
    return row;
  };

  /**
   * `Authorization: Bearer trp_...`: the key acts as its owner with the owner's current role in the
   * key's workspace. It stops working when revoked, expired, or its owner is removed or demoted
   * below Developer.
   */
  const apiKey = async (req: FastifyRequest): Promise<ApiKeyFacts | null> => {
    const header = req.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('Authorization must be "Bearer <API key>"');
    const key = await findApiKeyByHash(deps.db, hashToken(match[1] as string));
    const now = deps.clock.now();
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) {
      throw unauthenticated('This API key is not valid (unknown, revoked or expired)');
    }
    if (key.role === null || !can(key.role, 'api:access')) {
      throw unauthenticated("This API key's owner no longer has API access in its workspace");
    }
    if (key.lastUsedAt === null || now - key.lastUsedAt > TOUCH_EVERY_MS) {
      touchApiKey(deps.db, key.keyId, now).catch((err) =>
        deps.log?.warn({ err: String(err) }, 'api key touch failed'),
      );
    }
    return key;
  };
  const keyActor = (k: ApiKeyFacts): Actor => ({
    userId: k.userId,
    email: k.email,
    name: k.name,
    emailVerified: k.emailVerified,
  });

  return {
    async actor(req) {
      const key = await apiKey(req);
      if (key) return keyActor(key);
      const s = live(await findSession(deps.db, token(req), null));
      return { userId: s.userId, email: s.email, name: s.name, emailVerified: s.emailVerified };
    },
    async credentials(req) {
      const key = await apiKey(req);
      return key ? { actor: keyActor(key) } : { sessionToken: token(req) };
    },
    async workspaceActor(req, workspaceId) {
      const key = await apiKey(req);
      if (key) {
        // A key belongs to one workspace: elsewhere its owner is treated as a stranger.
        const own = key.workspaceId === workspaceId;
        return {
          ...keyActor(key),
          workspaceId,
          role: own ? key.role : null,
          membersVersion: own ? key.membersVersion : null,
        };
      }
      const s = live(await findSession(deps.db, token(req), workspaceId));
      return {
        userId: s.userId,
        email: s.email,
        name: s.name,
        emailVerified: s.emailVerified,
        workspaceId,
        role: s.role,
        membersVersion: s.membersVersion,
      };
    },
    async me(req) {
      const key = await apiKey(req);
      if (key) {
        return {
          ...keyActor(key),
          expiresAt: key.expiresAt ?? Number.MAX_SAFE_INTEGER,
          workspaces: key.role ? [{ id: key.workspaceId, name: key.workspaceName, role: key.role }] : [],
        };
      }
      return live(await findSessionWithWorkspaces(deps.db, token(req)));
    },
    hasSessionCookie: (req) => deps.readSessionToken(req.headers.cookie) !== null,
  };
}
