import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKSPACES_PER_CLIENT_PER_HOUR } from '../src/http/routes/workspaces.ts';
import { signUp, startTestApp, type TestApp, uniqueEmail } from './harness.ts';

/**
 * With REDIS_URL, rate-limit counters live in Redis and hold across nodes. Needs a real Redis:
 * TEST_REDIS_URL (set by .ci/run; this machine runs one on 6379). Each test uses its own key
 * prefix and deletes its keys.
 */
const redisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!redisUrl)('rate limits shared through Redis', () => {
  const apps: TestApp[] = [];
  const prefix = `troupe-test-${randomBytes(6).toString('hex')}:`;
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    const redis = new Redis(redisUrl as string);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  const start = async (env: Record<string, string> = {}) => {
    const app = await startTestApp('sqlite', {
      env: { SIGN_IN_RATE_LIMIT: '5', REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: prefix, ...env },
    });
    apps.push(app);
    return app;
  };
  const signIn = (app: TestApp, email: string, password: string) =>
    app.request({ method: 'POST', url: '/api/auth/sign-in/email', body: { email, password } });

  it('counts sign-in attempts for one email and client across two servers', async () => {
    const a = await start();
    const b = await start();
    const { email } = await signUp(a, { password: 'right password' });
    const statuses: number[] = [];
    for (const app of [a, b, a, b, a]) statuses.push((await signIn(app, email, 'wrong password')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // The sixth attempt is refused on either server: each alone has seen fewer than five.
    const limited = await signIn(b, email, 'wrong password');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    expect((await signIn(a, email, 'right password')).statusCode).toBe(429);
    // The counters are Redis keys under the configured prefix.
    const redis = new Redis(redisUrl as string);
    try {
      expect((await redis.keys(`${prefix}rate-limit:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('counts sign-ups per client, across emails, across two servers', async () => {
    const a = await start({ SIGN_UP_RATE_LIMIT: '3' });
    const b = await start({ SIGN_UP_RATE_LIMIT: '3' });
    const signUpOn = (app: TestApp) =>
      app.request({
        method: 'POST',
        url: '/api/auth/sign-up/email',
        body: { email: uniqueEmail('redis'), password: 'correct horse battery', name: 'R' },
      });
    const statuses: number[] = [];
    for (const app of [a, b, a, b]) statuses.push((await signUpOn(app)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await signUpOn(a);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
  });

  it('counts new workspaces per client across two servers', async () => {
    const a = await start();
    const b = await start();
    const [onA, onB] = [await signUp(a), await signUp(b)];
    const create = (app: TestApp, cookie: string) =>
      app.request({ method: 'POST', url: '/api/workspaces', cookie, body: { name: 'Studio' } });
    const statuses: number[] = [];
    for (let i = 0; i < WORKSPACES_PER_CLIENT_PER_HOUR; i++)
      statuses.push((await (i % 2 ? create(a, onA.cookie) : create(b, onB.cookie))).statusCode);
    expect(statuses).toEqual(Array(WORKSPACES_PER_CLIENT_PER_HOUR).fill(201));
    // Each server alone has made half: the next is refused on either.
    for (const [app, who] of [
      [a, onA],
      [b, onB],
    ] as const) {
      const limited = await create(app, who.cookie);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('rate_limited');
    }
  });

  it('counts Share Page password attempts for one link and client across two servers', async () => {
    const a = await start();
    const b = await start();
    const attempt = (app: TestApp) =>
      app.troupe.server.inject({
        method: 'POST',
        url: '/api/public/videos/NoSuchLinkNoSuchLink00/unlock',
        remoteAddress: '2001:db8:77:1::5',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ password: 'guess' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await attempt(i % 2 ? a : b)).statusCode);
    expect(statuses).toEqual(Array(10).fill(401));
    const limited = await attempt(a);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(b)).statusCode).toBe(429);
  });
});
