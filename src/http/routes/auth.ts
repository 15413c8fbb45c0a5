import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuthLinkQuery,
  AuthUser,
  RequestPasswordResetBody,
  ResetPasswordBody,
  SendVerificationBody,
  SignInBody,
  SignUpBody,
  UpdateUserBody,
} from '../../contract/auth.ts';
import type { ErrorCode } from '../../contract/errors.ts';
import type { Auth } from '../../infra/auth.ts';
import { withAuthContext } from '../../infra/auth-context.ts';
import { NO_CREDENTIAL, SESSION_ONLY } from '../openapi-security.ts';
import { codeForStatus, problem, sendProblem } from '../problem.ts';
import { clientOf, createMissLimit, perClientLimit } from '../rate-limit.ts';

/** Verification or reset mails one client may have sent per hour, to any addresses. */
export const MAILS_PER_CLIENT_PER_HOUR = 10;
/** Tries one client may make a minute at each route that takes an emailed token (reset, verification). */
export const EMAILED_TOKEN_TRIES_PER_MINUTE = 60;

/**
 * Better Auth's error codes, turned into ours (problem+json like every other route). The status
 * sent is always our code's (docs/API.md), never Better Auth's own: its 422 for an existing email
 * becomes 409 `email_taken`, other 4xx without a code of ours (405, 417, 422) `validation`.
 */
export function codeFor(status: number, betterAuthCode: string): ErrorCode {
  if (betterAuthCode.startsWith('USER_ALREADY_EXISTS')) return 'email_taken';
  if (betterAuthCode === 'INVALID_EMAIL_OR_PASSWORD' || betterAuthCode === 'INVALID_PASSWORD')
    return 'invalid_credentials';
  if (betterAuthCode === 'EMAIL_NOT_VERIFIED') return 'email_not_verified';
  if (betterAuthCode === 'EMAIL_MISMATCH') return 'email_mismatch';
  // Better Auth answers 422 when its own database write failed: input our schemas accepted
  // should never do that, so it is our bug, not the client's.
  if (betterAuthCode === 'FAILED_TO_CREATE_USER' || betterAuthCode === 'FAILED_TO_UPDATE_USER')
    return 'internal';
  return codeForStatus(status);
}

const fieldOf: Record<string, string> = {
  INVALID_EMAIL: 'email',
  PASSWORD_TOO_SHORT: 'password',
  PASSWORD_TOO_LONG: 'password',
  INVALID_TOKEN: 'token',
};

/**
 * Mounts Better Auth at /api/auth. Requests go through Fastify (body limits, CSRF guard, rate
 * limits, logging) and are handed to Better Auth as web Requests; its JSON errors come back as
 * problem+json with our codes.
 */
export function authRoutes(
  app: FastifyInstance,
  deps: {
    auth: Auth;
    publicUrl: string;
    signInRateLimit: number;
    signUpRateLimit: number;
    signInFailureLimit: number;
  },
) {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    }
    // The client's address as Fastify determined it (trustProxy decides whose X-Forwarded-For
    // counts), never a header the client made up: Better Auth records it with a new session.
    headers.set('x-forwarded-for', req.ip);
    const url = new URL(req.url, `${req.protocol}://${req.host}`);
    // Only the path as sent: `/api/auth/x/../sign-in/email` (or `%2e%2e`) would reach Better Auth's
    // sign-in through this catch-all, around the documented route's rate limits and body schema.
    if (url.pathname !== (req.url.split('?', 1)[0] ?? '')) return reply.callNotFound();
    // Better Auth knows no HEAD: it answers as GET would (Node sends no body for HEAD).
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const hasBody = method !== 'GET';
    // Bodies of the documented routes were validated (emails trimmed and lower-cased) by their zod schema.
    const body = hasBody ? JSON.stringify(req.body ?? {}) : undefined;
    if (hasBody) headers.set('content-type', 'application/json');
    headers.delete('content-length');
    // Unexpected errors (the database down, say) are thrown (onAPIError.throw) to the error handler.
    const res = await withAuthContext(() => deps.auth.handler(new Request(url, { method, headers, body })));

    const cookies = res.headers.getSetCookie();
    if (cookies.length) reply.header('set-cookie', cookies);
    for (const [k, v] of res.headers) {
      if (k !== 'set-cookie' && k !== 'content-length' && k !== 'content-encoding') reply.header(k, v);
    }
    const text = await res.text();
    if (res.status >= 400) {
      let parsed: { code?: string; message?: string } = {};
      try {
        parsed = JSON.parse(text);
      } catch {}
      const baCode = parsed.code ?? '';
      const code = codeFor(res.status, baCode);
      const field = fieldOf[baCode];
      if (code === 'internal') {
        req.log.error({ status: res.status, code: baCode, message: parsed.message }, 'Better Auth failed');
      }
      const detail =
        code === 'internal'
          ? 'Something went wrong on our side. Quote the request id if you report it.'
          : parsed.message ||
            (code === 'not_found' ? `No route for ${req.method} ${url.pathname}` : 'Request refused');
      return sendProblem(
        reply,
        problem(code, detail, field ? [{ path: field, message: detail }] : undefined),
      );
    }
    return reply
      .status(res.status)
      .serializer((x: string) => x)
      .send(text);
  };

  const limited = (max: number, timeWindow: number) => ({
    rateLimit: {
      max,
      timeWindow,
      keyGenerator: (req: FastifyRequest) => {
        const email = (req.body as { email?: unknown } | undefined)?.email;
        return `${req.routeOptions.url}|${clientOf(req)}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
      },
    },
  });

  // Second limits, per client whatever the email (`http/rate-limit.ts`); each runs before the
  // route's own per-(client, email) limit.
  const HOUR = 60 * 60_000;
  // New accounts, each mailing an address of the caller's choosing.
  const signUpsPerClient = perClientLimit(app, 'sign-up', deps.signUpRateLimit, HOUR);
  // Verification and reset mails to many different addresses.
  const verificationMailsPerClient = perClientLimit(
    app,
    'verification-mail',
    MAILS_PER_CLIENT_PER_HOUR,
    HOUR,
  );
  const resetMailsPerClient = perClientLimit(app, 'reset-mail', MAILS_PER_CLIENT_PER_HOUR, HOUR);
  // Wrong passwords (401) a client may make in 10 minutes whatever the emails (SIGN_IN_FAILURE_LIMIT,
  // 0: none), then every sign-in from it is 429 until the window ends: one address trying a
  // password on many accounts, each try an argon2id hash. Successful sign-ins are not counted, and
  // sign-ins under way count as failures until answered (a burst cannot pass before any is counted).
  const signInFailures =
    deps.signInFailureLimit > 0
      ? createMissLimit(app, {
          name: 'sign-in-failure',
          max: deps.signInFailureLimit,
          timeWindow: 10 * 60_000,
          refusal: 'Too many failed sign-ins from this address',
          countInFlight: true,
        })
      : () => ({});

  // The emailed tokens (reset and verification links): each route 60 tries a minute per client, as
  // invitation tokens are (docs/SECURITY.md, "Rate limits").
  const tokenGuesses = {
    rateLimit: {
      max: EMAILED_TOKEN_TRIES_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => `auth-token|${req.routeOptions.url}|${clientOf(req)}`,
    },
  };

  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['accounts'];
  const ok = { 200: z.looseObject({}) };
  // Guessing passwords and sending mail are rate limited per client and email.
  r.post(
    '/api/auth/sign-up/email',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'Create an account; signs in and sends the verification email',
        body: SignUpBody,
        response: { 200: z.looseObject({ user: AuthUser }) },
      },
      preHandler: signUpsPerClient,
      config: limited(10, 60_000),
    },
    handler,
  );
  r.post(
    '/api/auth/sign-in/email',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'Sign in; sets the session cookie',
        body: SignInBody,
        response: { 200: z.looseObject({ user: AuthUser }) },
      },
      ...signInFailures(401),
      config: limited(deps.signInRateLimit, 60_000),
    },
    handler,
  );
  r.post(
    '/api/auth/sign-out',
    { schema: { security: NO_CREDENTIAL, tags, summary: 'Sign out (ends this session)', response: ok } },
    handler,
  );
  r.post(
    '/api/auth/send-verification-email',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'Send the verification email again',
        body: SendVerificationBody,
        response: ok,
      },
      preHandler: verificationMailsPerClient,
      config: limited(5, 15 * 60_000),
    },
    handler,
  );
  r.post(
    '/api/auth/request-password-reset',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'Email a password reset link (answers 200 whether or not the account exists)',
        body: RequestPasswordResetBody,
        response: ok,
      },
      preHandler: resetMailsPerClient,
      config: limited(5, 15 * 60_000),
    },
    handler,
  );
  r.post(
    '/api/auth/reset-password',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'Set a new password with the emailed token; ends all sessions',
        body: ResetPasswordBody,
        response: ok,
      },
      config: tokenGuesses,
    },
    handler,
  );
  r.post(
    '/api/auth/update-user',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Change your name',
        body: UpdateUserBody,
        response: ok,
      },
    },
    handler,
  );
  // The emailed links, served by Better Auth through the same forwarding as the catch-all below,
  // but with their own rate limit (their query strings are checked as the catch-all's are).
  app.get(
    '/api/auth/reset-password/:token',
    { schema: { hide: true, querystring: AuthLinkQuery }, config: tokenGuesses },
    handler,
  );
  app.get(
    '/api/auth/verify-email',
    { schema: { hide: true, querystring: AuthLinkQuery }, config: tokenGuesses },
    handler,
  );
  // Everything else Better Auth serves (get-session, list-sessions, ...).
  // Their query strings and bodies are checked for where a link may send the browser (AuthLinkQuery).
  app.get('/api/auth/*', { schema: { hide: true, querystring: AuthLinkQuery } }, handler);
  app.post(
    '/api/auth/*',
    { schema: { hide: true, querystring: AuthLinkQuery, body: AuthLinkQuery.optional() } },
    handler,
  );
}
