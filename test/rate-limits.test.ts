import { afterEach, describe, expect, it } from 'vitest';
import { listRecentMail } from '../src/data/outbox.repo.ts';
import { startTestApp, type TestApp, uniqueEmail } from './harness.ts';

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
  const signUp = (client: ReturnType<typeof from>, email = uniqueEmail('signup')) =>
    post('/api/auth/sign-up/email', { email, password: 'correct horse battery', name: 'New' }, client);

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

  it('caps sign-ups per client across different emails; the refused one mails nobody', async () => {
    app = await startTestApp('sqlite', { env: { SIGN_UP_RATE_LIMIT: '5' } });
    const client = from('198.51.100.7');
    for (let i = 0; i < 5; i++) expect((await signUp(client)).statusCode).toBe(200);
    const sixthEmail = uniqueEmail('sixth');
    const sixth = await signUp(client, sixthEmail);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['content-type']).toContain('application/problem+json');
    expect(sixth.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    const mails = await listRecentMail(app.troupe.data.db, 50);
    expect(mails).toHaveLength(5);
    expect(mails.map((m) => m.to_address)).not.toContain(sixthEmail);
    const users = await app.troupe.data.db.selectFrom('user').select('email').execute();
    expect(users.map((u) => u.email)).not.toContain(sixthEmail);
    // Another client is not held back by it.
    expect((await signUp(from('198.51.100.8'))).statusCode).toBe(200);
  });

  it('caps verification and reset mails per client across different emails', async () => {
    app = await startTestApp('sqlite');
    const client = from('198.51.100.9');
    for (const url of ['/api/auth/send-verification-email', '/api/auth/request-password-reset']) {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await post(url, { email: uniqueEmail('mail') }, client)).statusCode);
      }
      expect(statuses.slice(0, 10), url).toEqual(Array(10).fill(200));
      expect(statuses[10], url).toBe(429);
    }
    expect(
      (await post('/api/auth/request-password-reset', { email: uniqueEmail('x') }, from('198.51.100.10')))
        .statusCode,
    ).toBe(200);
  });
});
