import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePassword } from '../../app/accounts/change-password.ts';
import { deleteAccount } from '../../app/accounts/delete-account.ts';
import { getAccount } from '../../app/accounts/get-account.ts';
import {
  listSessions,
  revokeListedSession,
  revokeOtherSessions,
  revokeSession,
} from '../../app/accounts/sessions.ts';
import { updateAccount } from '../../app/accounts/update-account.ts';
import {
  Account,
  AuthStatus,
  ChangedPassword,
  ChangePasswordBody,
  DeleteAccountBody,
  DeletedUser,
  DeleteUserBody,
  RevokedSessions,
  RevokeSessionBody,
  SessionList,
  SessionParams,
  UpdateAccountBody,
} from '../../contract/account.ts';
import type { Db, Dialect } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Authenticator } from '../authenticate.ts';
import { SESSION_ONLY } from '../openapi-security.ts';
import { clientOf, perClientLimit } from '../rate-limit.ts';

/**
 * The account page's API (SPEC §1): `/api/account`. Every route is for a signed-in person only
 * (the gate refuses API keys: `requireAccountAccess`). Guessing the current password (to change it
 * or to delete the account) is rate limited like sign-in: `SIGN_IN_RATE_LIMIT` a minute per
 * client, per route.
 */
export function accountRoutes(
  app: FastifyInstance,
  deps: { db: Db; dialect: Dialect; clock: Clock; authn: Authenticator; signInRateLimit: number },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['accounts'];
  const passwordGuesses = {
    rateLimit: {
      max: deps.signInRateLimit,
      timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => `${req.routeOptions.url}|${req.method}|${clientOf(req)}`,
    },
  };
  // Better Auth's delete-user checks the same password as `DELETE /api/account`: one limiter given
  // to both routes counts them together (a route's own `config.rateLimit` is counted on its own,
  // whatever its key).
  const deletionGuesses = perClientLimit(app, 'account-delete', deps.signInRateLimit, 60_000);

  r.get(
    '/api/account',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Your account: name, initials, and whether you may delete it now (and why not)',
        response: { 200: Account },
      },
    },
    async (req) => getAccount(deps, await deps.authn.actor(req)),
  );

  r.patch(
    '/api/account',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Change your name',
        body: UpdateAccountBody,
        response: { 200: Account },
      },
    },
    async (req) => {
      const actor = await deps.authn.actor(req);
      const { name } = await updateAccount(deps, actor, req.body);
      return getAccount(deps, { ...actor, name });
    },
  );

  r.delete(
    '/api/account',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary:
          'Delete your account (confirm with your password); 409 last_admin while you are the only Super Admin of a workspace',
        body: DeleteAccountBody,
        response: { 204: z.null().describe('Done') },
      },
      preHandler: deletionGuesses,
    },
    async (req, reply) => {
      await deleteAccount(deps, await deps.authn.actor(req), req.body);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/account/sessions',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Your signed-in sessions (devices), this one marked `current`',
        response: { 200: SessionList },
      },
    },
    async (req) => listSessions(deps, await deps.authn.actor(req)),
  );

  r.delete(
    '/api/account/sessions/:sessionId',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Sign out one of your sessions (its next request is refused)',
        params: SessionParams,
        response: { 204: z.null().describe('Done') },
      },
    },
    async (req, reply) => {
      await revokeSession(deps, await deps.authn.actor(req), req.params.sessionId);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/account/sessions/revoke-others',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Sign out of every session but this one',
        response: { 200: RevokedSessions },
      },
    },
    async (req) => revokeOtherSessions(deps, await deps.authn.actor(req)),
  );

  // Better Auth's account routes (SPEC §10), served by Troupe's use cases with Better Auth's bodies
  // and answers: Better Auth's own versions are switched off (infra/auth.ts `disabledPaths`; its
  // revoke-other-sessions could not find the hashed tokens it lists, and its others would skip the
  // gate and the rate limits). These specific routes win over the `/api/auth/*` catch-all.
  r.post(
    '/api/auth/revoke-session',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary:
          'Sign out one of your sessions, named by the `token` GET /api/auth/list-sessions gives out; 404 when not yours',
        body: RevokeSessionBody,
        response: { 200: AuthStatus },
      },
    },
    async (req, reply) => {
      const { current } = await revokeListedSession(deps, await deps.authn.actor(req), req.body.token);
      // Signing this very session out: the browser forgets its cookie, as with Better Auth's route.
      const clear = deps.authn.sessionCookie?.clear();
      if (current && clear) reply.header('set-cookie', clear);
      return { status: true as const };
    },
  );

  r.post(
    '/api/auth/revoke-other-sessions',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Sign out of every session but this one (as POST /api/account/sessions/revoke-others)',
        response: { 200: AuthStatus },
      },
    },
    async (req) => {
      await revokeOtherSessions(deps, await deps.authn.actor(req));
      return { status: true as const };
    },
  );

  r.post(
    '/api/auth/delete-user',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary:
          'Delete your account, as DELETE /api/account does (confirm with your password; 409 last_admin)',
        body: DeleteUserBody,
        response: { 200: DeletedUser },
      },
      preHandler: deletionGuesses,
    },
    async (req, reply) => {
      await deleteAccount(deps, await deps.authn.actor(req), { password: req.body.password });
      const clear = deps.authn.sessionCookie?.clear();
      if (clear) reply.header('set-cookie', clear);
      return { success: true as const, message: 'User deleted' };
    },
  );

  r.post(
    '/api/account/password',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Change your password (the current one is required; other sessions end by default)',
        body: ChangePasswordBody,
        response: { 200: ChangedPassword },
      },
      config: passwordGuesses,
    },
    async (req) => changePassword(deps, await deps.authn.actor(req), req.body),
  );
}
