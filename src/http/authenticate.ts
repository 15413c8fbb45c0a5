import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, inWorkspace, type Visitor, type WorkspaceActor } from '../app/actor.ts';
import type { VisitorFor } from '../app/public/public-video.ts';
import type { Role } from '../contract/roles.ts';
import { touchSession } from '../data/account.repo.ts';
import { type ApiKeyFacts, findApiKeyByHash, touchApiKey } from '../data/api-keys.repo.ts';
import type { Db, Dialect } from '../data/db.ts';
import { findMembership } from '../data/members.repo.ts';
import { findSession, findSessionWithWorkspaces, liveSessionTokens } from '../data/sessions.repo.ts';
import { listWorkspacesOfUser } from '../data/workspaces.repo.ts';
import { DomainError } from '../domain/errors.ts';
import { can } from '../domain/roles.ts';
import { SESSION_EXPIRES_IN_S, SESSION_UPDATE_AGE_S } from '../infra/auth.ts';
import type { Clock } from '../infra/clock.ts';
import { hashToken } from '../infra/tokens.ts';
import type { UnlockSigner } from '../infra/unlock-token.ts';
import { addSetCookie, type SessionCookieWriter } from './session-cookie.ts';
import { readCookie, unlockCookieName } from './unlock-cookie.ts';

export interface Authenticator {
  /** The signed-in caller (session cookie or API key), or 401. */
  actor(req: FastifyRequest): Promise<Actor>;
  /**
   * For a route that reads the credential in its own query (one round trip): the API key's hash
   * when the request carries one, else the session cookie's token (hashed), neither looked up yet
   * (401 when there is neither). The route's use case must then treat an unknown or expired
   * session as 401, and pass the key it read through `keyActor`.
   */
  credentials(req: FastifyRequest): { apiKeyHash: string } | { sessionToken: string };
  /** The caller of an API key read by the route's own query, or 401 (unknown, revoked, expired, no API access). */
  keyActor(key: ApiKeyFacts | null): Actor;
  /**
   * The caller and their user's role in `workspaceId` (null: not a member), in one query for a
   * session. Whether the credential reaches that workspace is decided by the gate (app/gate.ts),
   * never here.
   */
  workspaceActor(req: FastifyRequest, workspaceId: string): Promise<WorkspaceActor>;
  /** The caller and their user's workspaces, in one query for a session (GET /api/me). */
  me(req: FastifyRequest): Promise<{ actor: Actor; workspaces: { id: string; name: string; role: Role }[] }>;
  /**
   * The credential a request carried, kept by a long-lived response (a notification stream) to ask
   * `stillValid` later. Call after `actor(req)` succeeded.
   */
  held(req: FastifyRequest): HeldCredential;
  /**
   * For each held credential, whether it still holds now: the session not signed out, revoked or
   * expired; the API key not revoked or expired, its owner still with API access. Sessions are
   * checked in one query per 500.
   */
  stillValid(held: readonly HeldCredential[]): Promise<boolean[]>;
  /** True when the request carries a session cookie with a valid signature. */
  hasSessionCookie(req: FastifyRequest): boolean;
  /**
   * Adds to the answer the Set-Cookie renewing the request's session cookie, when its session was
   * renewed while the request was authenticated (at most once a day per session).
   */
  addRenewedCookie(req: FastifyRequest, reply: FastifyReply): void;
  /** Writes the session cookie (renewals, and clearing it when a route ends the caller's session). */
  readonly sessionCookie: SessionCookieWriter | null;
  /**
   * A public page's visitor (no session, no API key: SPEC §6): for a video, its unlock cookie
   * when signed by us, live and for that video; else anonymous. What the unlock allows is the
   * gate's decision (app/gate.ts `requirePublicVideo`).
   */
  visitorFor(req: FastifyRequest): VisitorFor;
}

/** A credential as stored (hashed): what `held` keeps and `stillValid` checks. */
export type HeldCredential = { kind: 'session'; tokenHash: string } | { kind: 'api_key'; keyHash: string };

const unauthenticated = (detail = 'Sign in to continue') => new DomainError('unauthenticated', detail);
/** last_used_at is written at most once a minute per key: reads stay reads. */
const TOUCH_EVERY_MS = 60_000;
/**
 * A session's "last active" time (its row's updatedAt, shown on the account page) is written at
 * most once every 5 minutes per session, after the request, never in its way.
 */
export const SESSION_TOUCH_EVERY_MS = 5 * 60_000;
/** A session lasts this long after its expiry was last set (docs/RULES.md: 30 days). */
const SESSION_LASTS_MS = SESSION_EXPIRES_IN_S * 1000;
/** A session used once its expiry was set this long ago is renewed (Better Auth's `updateAge`: a day). */
const SESSION_RENEW_AFTER_MS = SESSION_UPDATE_AGE_S * 1000;

export function createAuthenticator(deps: {
  db: Db;
  /** For writing a session's "last active" time in Better Auth's format. */
  dialect: Dialect;
  clock: Clock;
  readSessionToken: (cookieHeader: string | undefined) => string | null;
  /** Re-sends the session cookie when a session is renewed (none: the row is renewed, the cookie not). */
  sessionCookie?: SessionCookieWriter;
  unlocks: UnlockSigner;
  /** Behind https: the unlock cookies' names carry `__Host-`. */
  secure: boolean;
  log?: { warn(obj: object, msg: string): void };
  /** Better Auth's `dont_remember` cookie's name (a sign-in without "remember me"). */
  dontRememberCookie?: string;
}): Authenticator {
  /** The session token from the signed cookie, as the session table stores it: hashed. */
  const token = (req: FastifyRequest) => {
    const t = deps.readSessionToken(req.headers.cookie);
    if (!t) throw unauthenticated();
    return hashToken(t);
  };
  /**
   * Signed in without "remember me": Better Auth gave the session a day and a browser-session
   * cookie, and marks it with its `dont_remember` cookie; such a session is never renewed (as
   * Better Auth's get-session does not). The cookie's presence is enough: it can only shorten.
   */
  const dontRemember = (req: FastifyRequest) =>
    deps.dontRememberCookie !== undefined &&
    readCookie(req.headers.cookie, deps.dontRememberCookie) !== undefined;
  /** Renewed session cookies, by the request that renewed them (sent by server.ts's onSend hook). */
  const renewed = new WeakMap<FastifyRequest, string>();
  /**
   * The session as looked up, if live (else 401). Its "last active" time is written at most every
   * 5 minutes, after the request. Once a day has passed since its expiry was set, it is renewed
   * (30 days from now, as Better Auth's get-session renews: `updateAge`) in that same write,
   * awaited so that the cookie sent back with the new lifetime names a session that has it. Requests
   * needing neither (nearly all) make no query here.
   */
  const live = async <T extends { expiresAt: number; sessionId: string; updatedAt: number }>(
    req: FastifyRequest,
    row: T | null,
  ): Promise<T> => {
    const now = deps.clock.now();
    if (!row || row.expiresAt <= now) throw unauthenticated();
    if (row.expiresAt - SESSION_LASTS_MS + SESSION_RENEW_AFTER_MS <= now && !dontRemember(req)) {
      const expiresAt = now + SESSION_LASTS_MS;
      try {
        await touchSession(deps.db, deps.dialect, row.sessionId, now, expiresAt);
      } catch (err) {
        // Not renewed this time (the next request tries again); the request goes on.
        deps.log?.warn({ err: String(err) }, 'session renewal failed');
        return row;
      }
      const raw = deps.readSessionToken(req.headers.cookie);
      if (raw && deps.sessionCookie) renewed.set(req, await deps.sessionCookie.set(raw, expiresAt, now));
      return { ...row, expiresAt, updatedAt: now };
    }
    if (now - row.updatedAt > SESSION_TOUCH_EVERY_MS) {
      touchSession(deps.db, deps.dialect, row.sessionId, now).catch((err) =>
        deps.log?.warn({ err: String(err) }, 'session touch failed'),
      );
    }
    return row;
  };

  /** The hash of the request's API key (null: no Authorization header; 401 when malformed). */
  const apiKeyHash = (req: FastifyRequest): string | null => {
    const header = req.headers.authorization;
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('Authorization must be "Bearer <API key>"');
    return hashToken(match[1] as string);
  };
  /**
   * `Authorization: Bearer trp_...`: the key acts as its owner with the owner's current role in the
   * key's workspace. It stops working when revoked, expired, or its owner is removed or demoted
   * below Developer.
   */
  const apiKey = async (req: FastifyRequest): Promise<ApiKeyFacts | null> => {
    const keyHash = apiKeyHash(req);
    return keyHash === null ? null : acceptKey(await findApiKeyByHash(deps.db, keyHash));
  };
  /** The key as looked up, if it may act now (else 401); its last use noted at most once a minute. */
  const acceptKey = (key: ApiKeyFacts | null): ApiKeyFacts => {
    const now = deps.clock.now();
    const refused = keyRefusal(key, now);
    if (refused) throw unauthenticated(refused);
    if (!key) throw unauthenticated();
    if (key.lastUsedAt === null || now - key.lastUsedAt > TOUCH_EVERY_MS) {
      touchApiKey(deps.db, key.keyId, now).catch((err) =>
        deps.log?.warn({ err: String(err) }, 'api key touch failed'),
      );
    }
    return key;
  };
  /** The bearer token of `Authorization: Bearer <token>`, or null without the header. */
  const bearer = (req: FastifyRequest) => {
    const header = req.headers.authorization;
    return header ? (/^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null) : null;
  };
  const keyActor = (k: ApiKeyFacts): Actor => ({
    userId: k.userId,
    email: k.email,
    name: k.name,
    emailVerified: k.emailVerified,
    credential: { kind: 'api_key', keyId: k.keyId, workspaceId: k.workspaceId },
  });
  const sessionActor = (s: {
    sessionId: string;
    userId: string;
    email: string;
    name: string;
    emailVerified: boolean;
  }): Actor => ({
    userId: s.userId,
    email: s.email,
    name: s.name,
    emailVerified: s.emailVerified,
    credential: { kind: 'session', sessionId: s.sessionId },
  });

  return {
    async actor(req) {
      const key = await apiKey(req);
      if (key) return keyActor(key);
      return sessionActor(await live(req, await findSession(deps.db, token(req), null)));
    },
    credentials(req) {
      const keyHash = apiKeyHash(req);
      return keyHash === null ? { sessionToken: token(req) } : { apiKeyHash: keyHash };
    },
    keyActor: (key) => keyActor(acceptKey(key)),
    async workspaceActor(req, workspaceId) {
      const key = await apiKey(req);
      if (key) {
        if (key.workspaceId === workspaceId) {
          return inWorkspace(keyActor(key), workspaceId, key.role, key);
        }
        // Another workspace: its owner's role there, which the gate will not let the key use.
        const m = await findMembership(deps.db, workspaceId, key.userId);
        return inWorkspace(keyActor(key), workspaceId, m?.role ?? null, null);
      }
      const s = await live(req, await findSession(deps.db, token(req), workspaceId));
      return inWorkspace(sessionActor(s), workspaceId, s.role, s);
    },
    async me(req) {
      const key = await apiKey(req);
      if (key) {
        const all = await listWorkspacesOfUser(deps.db, key.userId);
        return {
          actor: keyActor(key),
          workspaces: all.map((w) => ({ id: w.id, name: w.name, role: w.role })),
        };
      }
      const s = await live(req, await findSessionWithWorkspaces(deps.db, token(req)));
      return { actor: sessionActor(s), workspaces: s.workspaces };
    },
    held(req) {
      const key = bearer(req);
      return key ? { kind: 'api_key', keyHash: hashToken(key) } : { kind: 'session', tokenHash: token(req) };
    },
    async stillValid(held) {
      const now = deps.clock.now();
      const sessions = held.flatMap((h) => (h.kind === 'session' ? [h.tokenHash] : []));
      const liveSessions = sessions.length ? await liveSessionTokens(deps.db, sessions, now) : new Set();
      const keys = new Map<string, boolean>();
      for (const h of held) {
        if (h.kind === 'api_key' && !keys.has(h.keyHash)) {
          keys.set(h.keyHash, keyRefusal(await findApiKeyByHash(deps.db, h.keyHash), now) === null);
        }
      }
      return held.map((h) =>
        h.kind === 'session' ? liveSessions.has(h.tokenHash) : (keys.get(h.keyHash) ?? false),
      );
    },
    hasSessionCookie: (req) => deps.readSessionToken(req.headers.cookie) !== null,
    addRenewedCookie: (req, reply) => {
      const cookie = renewed.get(req);
      if (cookie && deps.sessionCookie) addSetCookie(reply, deps.sessionCookie.name, cookie);
    },
    sessionCookie: deps.sessionCookie ?? null,
    visitorFor: (req) => (itemId) => {
      const value = readCookie(req.headers.cookie, unlockCookieName(itemId, deps.secure));
      const unlock = deps.unlocks.verify(value, deps.clock.now());
      const visitor: Visitor =
        unlock && unlock.itemId === itemId
          ? { credential: { kind: 'share_unlock', itemId, passwordVersion: unlock.passwordVersion } }
          : { credential: { kind: 'anonymous' } };
      return visitor;
    },
  };
}

/** Why an API key does not let its bearer in at `now` (null: it does). */
function keyRefusal(key: ApiKeyFacts | null, now: number): string | null {
  if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) {
    return 'This API key is not valid (unknown, revoked or expired)';
  }
  if (key.role === null || !can(key.role, 'api:access')) {
    return "This API key's owner no longer has API access in its workspace";
  }
  return null;
}
