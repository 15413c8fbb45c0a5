/**
 * Bad settings at start, and dependencies lost while running (docs/OPERATIONS.md, "When something
 * is down"). Only processes and ports of the test's own are stopped: its own redis-server, and a
 * TCP proxy in front of the shared PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/infra/config.ts';
import { createTroupe, type Troupe } from '../src/troupe.ts';
import { createWorkspace, ORIGIN, scratchDatabase, signUp, startTestApp, type TestApp } from './harness.ts';
import { startNode, type TroupeNode } from './nodes.ts';
import { type RedisProcess, startRedis } from './redis-process.ts';
import { startLocalS3 } from './s3-server.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  const errors: unknown[] = [];
  for (const c of cleanups.splice(0).reverse())
    await Promise.resolve()
      .then(c)
      .catch((e) => errors.push(e));
  if (errors.length > 0) throw errors[0];
});

/** Runs a node to its exit and returns its exit code and everything it printed. */
async function runToExit(node: TroupeNode, ms = 30_000): Promise<{ code: number | null; output: string }> {
  const code = await new Promise<number | null>((resolve, reject) => {
    if (node.child.exitCode !== null) return resolve(node.child.exitCode);
    const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms:\n${node.output()}`)), ms);
    node.child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, output: node.output() };
}

describe('a setting that points at nothing stops the start with one line naming it', () => {
  it('DATABASE_URL: PostgreSQL not listening', async () => {
    const node = startNode(3970, {
      DATABASE_URL: 'postgres://troupe:secret-password@127.0.0.1:63712/troupe',
      AUTH_SECRET: 'outage-secret-outage-secret-outage-0123',
    });
    cleanups.push(() => node.stop());
    const { code, output } = await runToExit(node);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Troupe cannot start: DATABASE_URL: cannot connect to PostgreSQL at 127\.0\.0\.1:63712\/troupe \(.*ECONNREFUSED.*\)$/,
    );
    expect(output).not.toContain('secret-password');
  });

  it('REDIS_URL: Redis not listening', async () => {
    const node = startNode(3971, {
      REDIS_URL: 'redis://:secret-password@127.0.0.1:63713',
      AUTH_SECRET: 'outage-secret-outage-secret-outage-0123',
    });
    cleanups.push(() => node.stop());
    const { code, output } = await runToExit(node);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Troupe cannot start: REDIS_URL: cannot connect to Redis at 127\.0\.0\.1:63713 \(.*ECONNREFUSED.*\)$/,
    );
    expect(output).not.toContain('secret-password');
  });

  it('STORAGE_URL: an S3 endpoint that does not answer, a bucket that does not exist, a malformed URL', async () => {
    const secret = 'outage-secret-outage-secret-outage-0123';
    const s3env = (port: number) => ({
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'secret-password',
      // On Node 20 the AWS SDK warns (once, on stderr) that its 2027 releases need Node 22: true,
      // and not what this test is about.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const down = startNode(3973, {
      AUTH_SECRET: secret,
      STORAGE_URL: 's3://troupe-files/prod',
      ...s3env(63714),
    });
    cleanups.push(() => down.stop());
    const s3 = await startLocalS3(63715);
    cleanups.push(() => s3.close());
    const missing = startNode(3974, {
      AUTH_SECRET: secret,
      STORAGE_URL: 's3://no-such-bucket/prod',
      ...s3env(63715),
    });
    cleanups.push(() => missing.stop());
    const malformed = startNode(3979, { AUTH_SECRET: secret, STORAGE_URL: 'ftp://files.example.com/troupe' });
    cleanups.push(() => malformed.stop());

    const [a, b, c] = await Promise.all([runToExit(down), runToExit(missing), runToExit(malformed)]);
    expect(a.code).toBe(1);
    expect(a.output.trim().split('\n')).toHaveLength(1);
    expect(a.output.trim()).toMatch(
      /^Troupe cannot start: STORAGE_URL: cannot use the S3 bucket troupe-files at http:\/\/127\.0\.0\.1:63714 \(.*ECONNREFUSED.*\)$/,
    );
    expect(b.code).toBe(1);
    expect(b.output.trim().split('\n')).toHaveLength(1);
    expect(b.output.trim()).toBe(
      'Troupe cannot start: STORAGE_URL: cannot use the S3 bucket no-such-bucket at http://127.0.0.1:63715 (no such bucket)',
    );
    expect(c.code).toBe(1);
    expect(c.output).toContain(
      'STORAGE_URL: must be s3://bucket/prefix (an S3 bucket) or file:///path (a directory)',
    );
    for (const r of [a, b, c]) expect(r.output).not.toContain('secret-password');
  });

  it('DATA_DIR: a place where no database can be made', async () => {
    // Below a plain file: no directory can be made there.
    const tmp = mkdtempSync(join(tmpdir(), 'troupe-outage-'));
    cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const node = startNode(3972, {
      DATA_DIR: join(file, 'data'),
      AUTH_SECRET: 'outage-secret-outage-secret-outage-0123',
    });
    cleanups.push(() => node.stop());
    const { code, output } = await runToExit(node);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Troupe cannot start: DATA_DIR: cannot open the SQLite database /);
  });
});

const ms = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t = Date.now();
  const value = await work();
  return { value, ms: Date.now() - t };
};

/** Waits until `check` passes (polling), or fails with its last error. */
async function eventually(check: () => Promise<void>, within = 15_000): Promise<void> {
  const until = Date.now() + within;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function expectUnavailable(res: LightMyRequestResponse, dependency: RegExp) {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.json()).toMatchObject({ status: 503, code: 'unavailable' });
  expect(res.json().detail).toMatch(dependency);
}

describe('Redis lost while running (its own redis-server)', () => {
  let redis: RedisProcess;
  let app: TestApp;
  const prefix = `troupe-outage-${randomBytes(4).toString('hex')}:`;

  const startRedisHere = async () => {
    const r = await startRedis(63710);
    cleanups.unshift(() => r.kill()); // last, after the app
    return r;
  };
  const start = async () => {
    redis = await startRedisHere();
    app = await startTestApp('sqlite', { env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix } });
    cleanups.push(() => app.close());
  };
  const signIn = (email: string) =>
    app.request({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      body: { email, password: 'wrong password' },
    });

  it('readiness names Redis, liveness stays 200, rate-limited routes answer 503 (not 500), others work; back when Redis is', async () => {
    await start();
    const user = await signUp(app);
    expect((await app.request({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { database: 'up', redis: 'up' },
    });
    expect((await signIn(user.email)).statusCode).toBe(401);

    await redis.kill();
    const ready = await app.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({
      status: 'unavailable',
      down: ['redis'],
      checks: { database: 'up', redis: 'down' },
    });
    expect((await app.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Sign-in is counted in Redis: refused with 503 naming it, promptly.
    const refused = await ms(() => signIn(user.email));
    expectUnavailable(refused.value, /Redis/);
    expect(refused.value.headers['retry-after']).toBe('5');
    expect(refused.ms).toBeLessThan(5_000);
    // Sign-up too (its per-client cap is a limiter of our own, counted in Redis as well).
    expectUnavailable(
      await app.request({
        method: 'POST',
        url: '/api/auth/sign-up/email',
        body: { email: 'new-person@example.com', name: 'New', password: 'correct horse battery' },
      }),
      /Redis/,
    );
    // What does not count anything in Redis keeps working, and so does creating a workspace (its
    // per-client limit fails open: it mails nobody).
    expect((await app.request({ method: 'GET', url: '/api/me', cookie: user.cookie })).statusCode).toBe(200);
    expect((await createWorkspace(app, user.cookie, 'During the outage')).name).toBe('During the outage');

    // Redis comes back on the same address: the node reconnects by itself.
    redis = await startRedisHere();
    await eventually(async () => {
      expect((await app.request({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    });
    expect((await signIn(user.email)).statusCode).toBe(401);
  }, 60_000);

  it('a Redis that stops answering (frozen, connections open) gives 503 within seconds, not a hang', async () => {
    await start();
    const user = await signUp(app);
    expect((await signIn(user.email)).statusCode).toBe(401);
    redis.freeze();
    try {
      const refused = await ms(() => signIn(user.email));
      expectUnavailable(refused.value, /Redis/);
      expect(refused.ms).toBeLessThan(5_000);
      const ready = await ms(() => app.request({ method: 'GET', url: '/readyz' }));
      expect(ready.value.json().down).toEqual(['redis']);
      expect(ready.ms).toBeLessThan(3_000);
    } finally {
      redis.thaw();
    }
    await eventually(async () => {
      expect((await signIn(user.email)).statusCode).toBe(401);
    });
  }, 60_000);
});

const pgUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!pgUrl)('PostgreSQL lost while running (through a TCP proxy of the test’s own)', () => {
  let troupe: Troupe;
  let proxy: TcpProxy;
  let dbUrl: string;

  const request = (method: string, url: string, cookie?: string, body?: unknown) =>
    troupe.server.inject({
      method: method as 'GET',
      url,
      headers: {
        origin: ORIGIN,
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  const start = async () => {
    const scratch = await scratchDatabase('postgres');
    cleanups.push(() => scratch.drop());
    dbUrl = scratch.url;
    const target = new URL(scratch.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) }, 63711);
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(scratch.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'troupe-outage-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: viaProxy.toString(),
      PUBLIC_URL: ORIGIN,
      AUTH_SECRET: 'outage-secret-outage-secret-outage-0123',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      DATABASE_TIMEOUT_MS: '1500',
    });
    troupe = await createTroupe(config, { runOutboxWorker: false });
    cleanups.push(() => troupe.close());
    const up = await request('POST', '/api/auth/sign-up/email', undefined, {
      email: `outage-${randomBytes(3).toString('hex')}@example.com`,
      name: 'Olga Outage',
      password: 'correct horse battery',
    });
    expect(up.statusCode).toBe(200);
    const cookie = String(up.headers['set-cookie']).split(';')[0] as string;
    return { cookie, email: up.json().user.email as string };
  };

  it('refused connections: readiness names the database, liveness stays 200, requests answer 503 at once; back when it is', async () => {
    const { cookie, email } = await start();
    expect((await request('GET', '/api/me', cookie)).statusCode).toBe(200);

    await proxy.down();
    const ready = await request('GET', '/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'unavailable', down: ['database'], checks: { database: 'down' } });
    expect((await request('GET', '/healthz')).statusCode).toBe(200);
    const me = await ms(() => request('GET', '/api/me', cookie));
    expectUnavailable(me.value, /database/);
    expect(me.ms).toBeLessThan(3_000);
    expectUnavailable(await request('POST', '/api/workspaces', cookie, { name: 'Not now' }), /database/);
    // Better Auth's routes too (it would answer a bare 500).
    expectUnavailable(
      await request('POST', '/api/auth/sign-in/email', undefined, {
        email,
        password: 'correct horse battery',
      }),
      /database/,
    );

    await proxy.up();
    await eventually(async () => {
      expect((await request('GET', '/readyz')).statusCode).toBe(200);
    });
    expect((await request('GET', '/api/me', cookie)).statusCode).toBe(200);
  }, 60_000);

  it('a database that stops answering (connections open, nothing comes back) gives 503 after DATABASE_TIMEOUT_MS, not a hang', async () => {
    const { cookie } = await start();
    expect((await request('GET', '/api/me', cookie)).statusCode).toBe(200);
    proxy.stall();
    const [me, ready, created] = await Promise.all([
      ms(() => request('GET', '/api/me', cookie)),
      ms(() => request('GET', '/readyz')),
      ms(() => request('POST', '/api/workspaces', cookie, { name: 'Stalled' })),
    ]);
    expectUnavailable(me.value, /database/);
    expectUnavailable(created.value, /database/);
    for (const r of [me, created]) expect(r.ms).toBeLessThan(1_500 + 2_000);
    expect(ready.value.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(3_000);
    proxy.resume();
    // The connections that timed out were dropped; the pool makes new ones.
    await eventually(async () => {
      expect((await request('GET', '/api/me', cookie)).statusCode).toBe(200);
    });
    expect((await request('POST', '/api/workspaces', cookie, { name: 'After' })).statusCode).toBe(201);
  }, 60_000);

  it('connections ended by the server (pg_terminate_backend) are replaced: no request fails with 500', async () => {
    const { cookie } = await start();
    await Promise.all(Array.from({ length: 8 }, () => request('GET', '/api/me', cookie)));
    const admin = new pg.Client({ connectionString: dbUrl });
    await admin.connect();
    try {
      const name = new URL(dbUrl).pathname.slice(1);
      const killed = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    const statuses = (
      await Promise.all(Array.from({ length: 20 }, () => request('GET', '/api/me', cookie)))
    ).map((r) => r.statusCode);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    await eventually(async () => {
      expect((await request('GET', '/api/me', cookie)).statusCode).toBe(200);
    });
  }, 60_000);
});
