import { hash, verify } from '@node-rs/argon2';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import type { Db, Dialect } from '../data/db.ts';
import { hashedSessionKyselyAdapter } from './session-token-hashing.ts';

export const AUTH_COOKIE_PREFIX = 'troupe';

/** How long a session lasts after its expiry was last set (seconds): 30 days (docs/RULES.md). */
export const SESSION_EXPIRES_IN_S = 60 * 60 * 24 * 30;
/**
 * How old a session's expiry may get before a request extends it again (seconds): a day. Better
 * Auth's get-session renews by it, and so does Troupe's own session check (http/authenticate.ts).
 */
export const SESSION_UPDATE_AGE_S = 60 * 60 * 24;

export interface AuthMail {
  to: string;
  name: string;
  url: string;
}

export interface AuthDeps {
  db: Db;
  dialect: Dialect;
  secret: string;
  publicUrl: string;
  sendVerificationEmail(mail: AuthMail): Promise<void>;
  sendResetPasswordEmail(mail: AuthMail): Promise<void>;
  /** After a user changes their name: Troupe keeps copies of it for sorting and search. */
  userRenamed(user: { id: string; name: string; email: string }): Promise<void>;
}

/** The web page a verification link lands on by default (web/src/router.tsx). */
export const VERIFIED_PAGE = '/verified';

/**
 * A verification link whose landing page is VERIFIED_PAGE gets `?email=` on that page, so the page
 * can tell a signed-out browser to sign in as that address, and a browser signed in as another
 * account that it is another one. (The address is in the link's token already.)
 */
function namingAddress(url: string, email: string): string {
  const link = new URL(url);
  const callback = link.searchParams.get('callbackURL');
  if (!callback?.startsWith('/') || callback.startsWith('//')) return url;
  const page = new URL(callback, 'http://local');
  if (page.pathname !== VERIFIED_PAGE) return url;
  page.searchParams.set('email', email);
  link.searchParams.set('callbackURL', `${page.pathname}${page.search}`);
  return link.toString();
}

// argon2id with OWASP's minimum profile (19 MiB, 2 passes, 1 lane).
export const argon2Options = {
  algorithm: 2 /* Argon2id */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Better Auth owns identity: sign-up, sign-in, sign-out, sessions, email verification, password reset.
 * It shares our Kysely instance (and so our SQLite connection or PostgreSQL pool).
 * The per-request session check does not go through it: see http/auth.ts.
 */
export function createAuth(deps: AuthDeps) {
  const secure = deps.publicUrl.startsWith('https://');
  return betterAuth({
    appName: 'Troupe',
    baseURL: deps.publicUrl,
    basePath: '/api/auth',
    secret: deps.secret,
    // Session tokens are stored only as SHA-256 hashes (infra/session-token-hashing.ts).
    database: hashedSessionKyselyAdapter(deps.db, { type: deps.dialect, transaction: true }),
    telemetry: { enabled: false },
    logger: { level: 'error' },
    // Its own errors (wrong password, ...) become its responses; anything unexpected is thrown to
    // the route, so Fastify's error handler logs it with the request and answers problem+json
    // (503 `unavailable` when the database is down) instead of Better Auth's bare 500.
    onAPIError: { throw: true },
    // Sign-in and mail-sending routes are rate limited by Fastify (http/routes/auth.ts), with one store for all.
    rateLimit: { enabled: false },
    // The account page's changes go through Troupe's own routes (/api/account: the access gate,
    // rate limits, our password rules, the last-Super-Admin check), never Better Auth's: its
    // change-password would skip the rate limit, and its revoke-session cannot find a session by
    // the (hashed) token it lists. Its delete-user is off unless enabled; listed here all the same.
    disabledPaths: [
      '/change-password',
      '/revoke-session',
      '/revoke-sessions',
      // Its revoke-other-sessions deletes nothing (it hashes the hashes it lists). This, revoke-session
      // and delete-user are served at the same paths by Troupe's use cases (http/routes/account.ts).
      '/revoke-other-sessions',
      '/delete-user',
      '/set-password',
      // An unthrottled password check for whoever holds a session (the account routes' password
      // checks are rate limited like sign-in).
      '/verify-password',
    ],
    trustedOrigins: (request) => {
      const host = request?.headers.get('host');
      return [deps.publicUrl, host ? `${secure ? 'https' : 'http'}://${host}` : null];
    },
    advanced: {
      cookiePrefix: AUTH_COOKIE_PREFIX,
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure },
    },
    session: {
      expiresIn: SESSION_EXPIRES_IN_S,
      updateAge: SESSION_UPDATE_AGE_S,
      // No cookie cache: every request checks the session row, so sign-out takes effect at once.
      cookieCache: { enabled: false },
    },
    // Reset-password tokens are stored as SHA-256 hashes (base64url) of their identifier, never
    // as issued; migration 0008 hashed the rows of before. (Verification links are signed JWTs,
    // not stored at all.)
    verification: { storeIdentifier: 'hashed' },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      password: {
        hash: (password) => hash(password, argon2Options),
        verify: ({ hash: stored, password }) => verify(stored, password),
      },
      sendResetPassword: async ({ user, url }) => {
        await deps.sendResetPasswordEmail({ to: user.email, name: user.name, url });
      },
    },
    databaseHooks: {
      user: {
        update: {
          after: async (user) => {
            await deps.userRenamed({ id: user.id, name: user.name, email: user.email });
          },
        },
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      // The link verifies the address and signs nobody in: whoever opens it (a browser that is not
      // the owner's, say) must not get the owner's session (login CSRF). SPEC §1.
      autoSignInAfterVerification: false,
      expiresIn: 60 * 60 * 24,
      sendVerificationEmail: async ({ user, url }) => {
        await deps.sendVerificationEmail({
          to: user.email,
          name: user.name,
          url: namingAddress(url, user.email),
        });
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * Creates or updates Better Auth's own tables (user, session, account, verification). Its migrator
 * needs the Kysely instance itself, not the (wrapped) adapter.
 */
export async function migrateAuth(auth: Auth, db: { db: Db; dialect: Dialect }): Promise<void> {
  const { runMigrations } = await getMigrations({
    ...auth.options,
    database: { db: db.db, type: db.dialect, transaction: true },
  });
  await runMigrations();
}
