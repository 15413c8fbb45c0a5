/**
 * The two-dialect test harness. Every database test runs on a fresh SQLite file and, when
 * TEST_DATABASE_URL is set, on a PostgreSQL database created for that test and dropped after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import type { Role } from '../src/contract/roles.ts';
import { claimSeat, insertMembership } from '../src/data/members.repo.ts';
import { sortKey } from '../src/domain/members.ts';
import type { Clock } from '../src/infra/clock.ts';
import { type Config, loadConfig } from '../src/infra/config.ts';
import type { Mailer } from '../src/infra/mailer.ts';
import { createTroupe, type Troupe, type TroupeOptions } from '../src/troupe.ts';
import { invitationTokenFromOutbox } from './invitation-mail.ts';

export type DialectName = 'sqlite' | 'postgres';

/** The dialects this run covers: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const dialects: DialectName[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export class FakeClock implements Clock {
  constructor(public t = Date.now()) {}
  now() {
    return this.t;
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** A scratch database of the given dialect; `drop()` removes it. */
export async function scratchDatabase(
  dialect: DialectName,
): Promise<{ url: string; dir: string; drop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-test-'));
  if (dialect === 'sqlite') {
    return {
      url: `sqlite:${join(dir, 'test.sqlite')}`,
      dir,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('TEST_DATABASE_URL is not set');
  const name = `troupe_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dir,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ORIGIN = 'http://localhost:3000';

export interface TestApp {
  troupe: Troupe;
  config: Config;
  clock: FakeClock;
  dialect: DialectName;
  /**
   * A request as a browser on our own page would send it (Origin set, JSON body), from 127.0.0.1
   * unless `remoteAddress` says which client it comes from.
   */
  request(opts: {
    method: string;
    url: string;
    cookie?: string | null;
    body?: unknown;
    headers?: Record<string, string>;
    remoteAddress?: string;
  }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startTestApp(
  dialect: DialectName,
  opts: {
    mailer?: Mailer;
    env?: Record<string, string>;
    runOutboxWorker?: boolean;
    clock?: FakeClock;
    webDist?: string;
    stream?: TroupeOptions['stream'];
    logStream?: TroupeOptions['logStream'];
    payments?: TroupeOptions['payments'];
  } = {},
): Promise<TestApp> {
  const scratch = await scratchDatabase(dialect);
  const clock = opts.clock ?? new FakeClock();
  let started: { config: Config; troupe: Troupe } | undefined;
  let troupe: Troupe | undefined;
  try {
    const config = loadConfig({
      DATA_DIR: scratch.dir,
      DATABASE_URL: scratch.url,
      PUBLIC_URL: ORIGIN,
      AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      // Tests sign up many people from one address; test/rate-limits.test.ts tests the cap.
      SIGN_UP_RATE_LIMIT: '100000',
      ...opts.env,
    });
    troupe = await createTroupe(config, {
      clock,
      mailer: opts.mailer,
      runOutboxWorker: opts.runOutboxWorker ?? false,
      outboxIntervalMs: 50,
      webDist: opts.webDist,
      stream: opts.stream,
      logStream: opts.logStream,
      payments: opts.payments,
    });
    await troupe.server.ready();
    started = { config, troupe };
  } catch (err) {
    // An app that fails to start must not leave its scratch database behind.
    await troupe?.close().catch(() => {});
    await scratch.drop().catch(() => {});
    throw err;
  }
  return startedApp(started, clock, dialect, scratch);
}

function startedApp(
  { config, troupe }: { config: Config; troupe: Troupe },
  clock: FakeClock,
  dialect: DialectName,
  scratch: { drop(): Promise<void> },
): TestApp {
  return {
    troupe,
    config,
    clock,
    dialect,
    request({ method, url, cookie, body, headers, remoteAddress }) {
      return troupe.server.inject({
        method: method as 'GET',
        url,
        ...(remoteAddress ? { remoteAddress } : {}),
        headers: {
          origin: ORIGIN,
          ...(cookie ? { cookie } : {}),
          ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
    },
    async close() {
      await troupe.close();
      await scratch.drop();
    },
  };
}

/** The session cookie from a response's Set-Cookie, as a Cookie header value. */
export function sessionCookie(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found = all.find((c) => c.includes('session_token='));
  if (!found) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return found.split(';')[0] as string;
}

let seq = 0;
/** A unique, valid email for a test user. */
export function uniqueEmail(prefix = 'user'): string {
  seq += 1;
  return `${prefix}-${seq}-${randomBytes(3).toString('hex')}@example.com`;
}

export async function signUp(
  app: TestApp,
  user: { email?: string; name?: string; password?: string } = {},
): Promise<{ cookie: string; userId: string; email: string }> {
  const email = user.email ?? uniqueEmail();
  const res = await app.request({
    method: 'POST',
    url: '/api/auth/sign-up/email',
    body: { email, name: user.name ?? 'Test User', password: user.password ?? 'correct horse battery' },
  });
  if (res.statusCode !== 200) throw new Error(`sign-up failed ${res.statusCode}: ${res.body}`);
  return { cookie: sessionCookie(res), userId: res.json().user.id, email: res.json().user.email };
}

let helperClient = 0;
/**
 * A client address of its own for each call of the helpers below, so that suites making many
 * workspaces and invitations never run into the per-client rate limits on them (which
 * test/rate-limits.test.ts tests with addresses of its choosing).
 */
function ownClient(): string {
  helperClient++;
  return `10.7.${(helperClient >> 8) & 255}.${helperClient & 255}`;
}

export async function createWorkspace(
  app: TestApp,
  cookie: string,
  name = 'Studio',
): Promise<{ id: string; name: string }> {
  const res = await app.request({
    method: 'POST',
    url: '/api/workspaces',
    cookie,
    body: { name },
    remoteAddress: ownClient(),
  });
  if (res.statusCode !== 201) throw new Error(`create workspace failed ${res.statusCode}: ${res.body}`);
  return res.json();
}

/** Makes an existing user a member directly (seat permitting), skipping the invitation flow. */
export async function addMember(
  app: TestApp,
  workspaceId: string,
  user: { userId: string; email: string; name?: string },
  role: Role,
): Promise<void> {
  const db = app.troupe.data.db;
  await db.transaction().execute(async (tx) => {
    if (!(await claimSeat(tx, workspaceId))) throw new Error('no free seat');
    const name = user.name ?? 'Test User';
    await insertMembership(
      tx,
      { workspaceId, userId: user.userId, role, email: user.email, name, sortKey: sortKey(name, user.email) },
      app.clock.now(),
    );
  });
}

/** Marks a user's email verified, as following the emailed link would. */
export async function verifyEmail(app: TestApp, userId: string): Promise<void> {
  await app.troupe.data.db
    .updateTable('user')
    .set({ emailVerified: app.dialect === 'sqlite' ? 1 : true })
    .where('id', '=', userId)
    .execute();
}

/** The invitation token in the newest invitation mail to `email`. */
export function invitationToken(app: TestApp, email: string): Promise<string> {
  return invitationTokenFromOutbox(app.troupe.data.db, email);
}

/** Invites `emails` as `role` (from a client address of its own) and returns the HTTP response. */
export function invite(
  app: TestApp,
  cookie: string,
  workspaceId: string,
  emails: string[] | string,
  role = 'creator',
) {
  return app.request({
    method: 'POST',
    url: `/api/workspaces/${workspaceId}/invitations`,
    cookie,
    body: { emails, role },
    remoteAddress: ownClient(),
  });
}

export async function setSeats(
  app: TestApp,
  cookie: string,
  workspaceId: string,
  seats: number,
): Promise<void> {
  const res = await app.request({
    method: 'POST',
    url: `/api/workspaces/${workspaceId}/billing/seats`,
    cookie,
    body: { seats },
  });
  if (res.statusCode !== 200) throw new Error(`set seats failed ${res.statusCode}: ${res.body}`);
}

/** A verified user who accepted an invitation to the workspace with `role`. */
export async function joinAs(
  app: TestApp,
  adminCookie: string,
  workspaceId: string,
  role: Role,
  name = 'Member',
  email?: string,
): Promise<{ cookie: string; userId: string; email: string }> {
  const user = await signUp(app, email ? { name, email } : { name });
  await verifyEmail(app, user.userId);
  const res = await invite(app, adminCookie, workspaceId, [user.email], role);
  if (res.statusCode !== 201) throw new Error(`invite failed ${res.statusCode}: ${res.body}`);
  const token = await invitationToken(app, user.email);
  const accept = await app.request({
    method: 'POST',
    url: `/api/invitations/${token}/accept`,
    cookie: user.cookie,
  });
  if (accept.statusCode !== 200) throw new Error(`accept failed ${accept.statusCode}: ${accept.body}`);
  return user;
}

export type SignedUp = Awaited<ReturnType<typeof signUp>>;

/** What `useAdminWorkspace` sets up afresh for each test. */
export interface AdminWorkspace {
  app: TestApp;
  /** "Ada Admin", Super Admin of `ws`. */
  admin: SignedUp;
  ws: { id: string; name: string };
}

/**
 * Registers beforeEach/afterEach in the calling describe block: a fresh app on `dialect`, a
 * signed-up "Ada Admin" and their workspace "Studio" (with `seats` seats when given). The returned
 * object's fields are replaced before each test.
 */
export function useAdminWorkspace(dialect: DialectName, opts: { seats?: number } = {}): AdminWorkspace {
  const fx = {} as AdminWorkspace;
  beforeEach(async () => {
    fx.app = await startTestApp(dialect);
    fx.admin = await signUp(fx.app, { name: 'Ada Admin' });
    fx.ws = await createWorkspace(fx.app, fx.admin.cookie, 'Studio');
    if (opts.seats !== undefined) await setSeats(fx.app, fx.admin.cookie, fx.ws.id, opts.seats);
  });
  afterEach(async () => {
    await fx.app.close();
  });
  return fx;
}
