import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness.ts';

/**
 * Per-client limits: who "the client" is (TRUST_PROXY), and the caps on sign-ups and mail sent
 * across different addresses. The limits themselves do not touch the database: SQLite only.
 */
describe('per-client rate limits', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const from = (remoteAddress: string, forwardedFor?: string) => ({
    remoteAddress,
    headers: {
      origin: 'http://localhost:3000',
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
  });
  const post = (url: string, body: unknown, client: ReturnType<typeof from>) =>
    (app as TestApp).troupe.server.inject({ method: 'POST', url, payload: JSON.stringify(body), ...client });
  const signIn = (client: ReturnType<typeof from>) =>
    post('/api/auth/sign-in/email', { email: 'nobody@example.com', password: 'wrong password' }, client);

  it('ignores X-Forwarded-For without TRUST_PROXY: every forwarded address is the one client', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2' } });
    expect((await signIn(from('127.0.0.1', '198.51.100.1'))).statusCode).toBe(401);
    expect((await signIn(from('127.0.0.1', '198.51.100.2'))).statusCode).toBe(401);
    const third = await signIn(from('127.0.0.1', '198.51.100.3'));
    expect(third.statusCode).toBe(429);
    expect(third.json().code).toBe('rate_limited');
  });

  it.each(['true', '127.0.0.1/8, ::1'])(
    'with TRUST_PROXY=%s, two forwarded clients get separate limits',
    async (trustProxy) => {
      app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2', TRUST_PROXY: trustProxy } });
      const alice = from('127.0.0.1', '198.51.100.1');
      const bob = from('127.0.0.1', '198.51.100.2');
      expect((await signIn(alice)).statusCode).toBe(401);
      expect((await signIn(alice)).statusCode).toBe(401);
      expect((await signIn(alice)).statusCode).toBe(429);
      expect((await signIn(bob)).statusCode).toBe(401);
      expect((await signIn(bob)).statusCode).toBe(401);
      expect((await signIn(bob)).statusCode).toBe(429);
    },
  );

  it('does not trust X-Forwarded-For from a peer outside a TRUST_PROXY list', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_IN_RATE_LIMIT: '2', TRUST_PROXY: '10.0.0.0/8' } });
    expect((await signIn(from('203.0.113.9', '198.51.100.1'))).statusCode).toBe(401);
    expect((await signIn(from('203.0.113.9', '198.51.100.2'))).statusCode).toBe(401);
    expect((await signIn(from('203.0.113.9', '198.51.100.3'))).statusCode).toBe(429);
    // Through the trusted proxy, the forwarded address is the client.
    expect((await signIn(from('10.1.2.3', '198.51.100.1'))).statusCode).toBe(401);
  });
});
