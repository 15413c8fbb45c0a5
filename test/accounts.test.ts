import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/data/migrations.ts';
import { listRecentMail } from '../src/data/outbox.repo.ts';
import { EMAILED_TOKEN_TRIES_PER_MINUTE } from '../src/http/routes/auth.ts';
import { betterAuthStores } from '../src/infra/auth-context.ts';
import { dialects, sessionCookie, signUp, startTestApp, type TestApp, uniqueEmail } from './harness.ts';

describe.each(dialects)('accounts on %s', (dialect) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp(dialect, { env: { SIGN_IN_RATE_LIMIT: '5' } });
  });
  afterEach(async () => {
    await app.close();
  });

  const signIn = (email: string, password: string) =>
    app.request({ method: 'POST', url: '/api/auth/sign-in/email', body: { email, password } });

  /** The link in the newest mail to `to` whose subject matches. */
  async function linkFrom(to: string, subject: RegExp): Promise<URL> {
    const mail = (await listRecentMail(app.troupe.data.db, 50)).find(
      (m) => m.to_address === to && subject.test(m.subject),
    );
    if (!mail) throw new Error(`no mail to ${to} matching ${subject}`);
    const link = mail.text_body.match(/https?:\/\/\S+/)?.[0];
    if (!link) throw new Error('mail has no link');
    return new URL(link);
  }

  it("turns Better Auth's AsyncLocalStorage off once its calls are done (on Node before 24, its promise hook taxes every request)", async () => {
    const signUps = await Promise.all(
      [1, 2, 3].map((i) =>
        app.request({
          method: 'POST',
          url: '/api/auth/sign-up/email',
          body: { email: uniqueEmail(`als${i}`), password: 'correct horse battery', name: `Als ${i}` },
        }),
      ),
    );
    expect(signUps.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const stores = betterAuthStores();
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) expect(store.getStore()).toBeUndefined();
    if (Number(process.versions.node.split('.')[0]) < 24) {
      // Node's own flag: an enabled store keeps the promise hook installed.
      for (const store of stores) expect((store as unknown as { enabled: boolean }).enabled).toBe(false);
    }
  });

  it('signs up with a trimmed, lower-cased email and returns it from /api/me', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      body: { email: '  Ann.Lee@Example.COM ', password: 'correct horse battery', name: 'Ann Lee' },
    });
    expect(res.statusCode).toBe(200);
    const cookie = sessionCookie(res);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = await app.request({ method: 'GET', url: '/api/me', cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      id: expect.any(String),
      email: 'ann.lee@example.com',
      name: 'Ann Lee',
      emailVerified: false,
      workspaces: [],
    });
  });

  it('refuses a second sign-up with the same email in any case, creating no second user', async () => {
    await signUp(app, { email: 'dup@example.com' });
    const res = await app.request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      body: { email: ' DUP@example.com', password: 'another password', name: 'Copy' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('email_taken');
    const users = await app.troupe.data.db.selectFrom('user').select('email').execute();
    expect(users).toEqual([{ email: 'dup@example.com' }]);
  });

  it.each([
    [{ email: 'not-an-email', password: 'long enough pw', name: 'X' }, 'email'],
    [{ email: 'ok@example.com', password: 'short', name: 'X' }, 'password'],
  ])('rejects bad sign-up input %j naming %s', async (body, field) => {
    const res = await app.request({ method: 'POST', url: '/api/auth/sign-up/email', body });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation');
    expect(res.json().errors?.[0]?.path).toBe(field);
    expect(await app.troupe.data.db.selectFrom('user').selectAll().execute()).toEqual([]);
  });

  it('signs in case-insensitively, refuses a wrong password, and signs out for good', async () => {
    const { email } = await signUp(app, { email: 'bo@example.com', password: 'right password' });
    const wrong = await signIn('bo@example.com', 'wrong password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('invalid_credentials');

    const ok = await signIn(' BO@Example.com', 'right password');
    expect(ok.statusCode).toBe(200);
    const cookie = sessionCookie(ok);
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).json().email).toBe(email);

    const out = await app.request({ method: 'POST', url: '/api/auth/sign-out', cookie, body: {} });
    expect(out.statusCode).toBe(200);
    const after = await app.request({ method: 'GET', url: '/api/me', cookie });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthenticated');
  });

  it('stops honouring a session the moment its row is revoked', async () => {
    const { cookie, userId } = await signUp(app);
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(200);
    await app.troupe.data.db.deleteFrom('session').where('userId', '=', userId).execute();
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(401);
  });

  it('refuses a tampered or forged session cookie', async () => {
    const { cookie } = await signUp(app);
    const [name, value] = cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const [token] = decoded.split('.');
    const forged = `${name}=${encodeURIComponent(`${token}.${Buffer.alloc(32).toString('base64')}`)}`;
    const unsigned = `${name}=${token}`;
    for (const c of [forged, unsigned, `${name}=`, 'other=1']) {
      expect((await app.request({ method: 'GET', url: '/api/me', cookie: c })).statusCode).toBe(401);
    }
  });

  it('refuses an expired session', async () => {
    const { cookie } = await signUp(app);
    app.clock.advance(31 * 24 * 3600 * 1000);
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(401);
  });

  it('verifies the email through the link in the verification mail', async () => {
    const { cookie, email } = await signUp(app);
    const link = await linkFrom(email, /verify/i);
    expect(link.origin).toBe('http://localhost:3000');
    const res = await app.request({ method: 'GET', url: link.pathname + link.search });
    expect(res.statusCode).toBeLessThan(400);
    const me = await app.request({ method: 'GET', url: '/api/me', cookie });
    expect(me.json().emailVerified).toBe(true);
  });

  it('resends the verification mail on request', async () => {
    const { email } = await signUp(app);
    const before = (await listRecentMail(app.troupe.data.db, 50)).length;
    const res = await app.request({
      method: 'POST',
      url: '/api/auth/send-verification-email',
      body: { email },
    });
    expect(res.statusCode).toBe(200);
    expect((await listRecentMail(app.troupe.data.db, 50)).length).toBe(before + 1);
  });

  it('resets a forgotten password by email and ends the old sessions', async () => {
    const { email, cookie } = await signUp(app, { password: 'old password 1' });
    const req = await app.request({
      method: 'POST',
      url: '/api/auth/request-password-reset',
      body: { email: email.toUpperCase(), redirectTo: '/reset-password' },
    });
    expect(req.statusCode).toBe(200);
    const link = await linkFrom(email, /reset/i);
    // The link lands on the server, which redirects to the app's page with the token.
    const hop = await app.request({ method: 'GET', url: link.pathname + link.search });
    expect(hop.statusCode).toBe(302);
    const target = new URL(String(hop.headers.location), 'http://localhost:3000');
    expect(target.pathname).toBe('/reset-password');
    const token = target.searchParams.get('token');
    expect(token).toBeTruthy();

    const reset = await app.request({
      method: 'POST',
      url: '/api/auth/reset-password',
      body: { token, newPassword: 'new password 2' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await signIn(email, 'old password 1')).statusCode).toBe(401);
    expect((await signIn(email, 'new password 2')).statusCode).toBe(200);
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(401);

    const again = await app.request({
      method: 'POST',
      url: '/api/auth/reset-password',
      body: { token, newPassword: 'third password 3' },
    });
    expect(again.statusCode).toBe(400);
  });

  it('keeps no reset token readable in the verification table, and the emailed link still works', async () => {
    const { email } = await signUp(app, { password: 'old password 1' });
    await app.request({
      method: 'POST',
      url: '/api/auth/request-password-reset',
      body: { email, redirectTo: '/reset-password' },
    });
    const link = await linkFrom(email, /reset/i);
    const token = link.pathname.split('/').pop() as string;
    expect(token.length).toBeGreaterThanOrEqual(20);
    const rows = await app.troupe.data.db
      .selectFrom('verification' as never)
      .selectAll()
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(token);

    const hop = await app.request({ method: 'GET', url: link.pathname + link.search });
    expect(hop.statusCode).toBe(302);
    const target = new URL(String(hop.headers.location), 'http://localhost:3000');
    expect(target.searchParams.get('token')).toBe(token);
    const reset = await app.request({
      method: 'POST',
      url: '/api/auth/reset-password',
      body: { token, newPassword: 'new password 2' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await signIn(email, 'new password 2')).statusCode).toBe(200);
  });

  it('hashes reset tokens stored before the upgrade (migration 0008); their links keep working', async () => {
    const { email } = await signUp(app, { password: 'old password 1' });
    await app.request({
      method: 'POST',
      url: '/api/auth/request-password-reset',
      body: { email, redirectTo: '/reset-password' },
    });
    const link = await linkFrom(email, /reset/i);
    const token = link.pathname.split('/').pop() as string;
    const db = app.troupe.data.db as unknown as Kysely<{
      verification: { identifier: string };
      troupe_migrations: { name: string };
    }>;
    // The row as Better Auth wrote it before identifiers were hashed, and the upgrade run again.
    await db
      .updateTable('verification')
      .set({ identifier: `reset-password:${token}` })
      .execute();
    await db
      .deleteFrom('troupe_migrations')
      .where('name', '=', '0008_hashed_verification_identifiers')
      .execute();
    await migrateToLatest(app.troupe.data.db);
    const rows = await db.selectFrom('verification').select('identifier').execute();
    expect(rows).toEqual([
      { identifier: createHash('sha256').update(`reset-password:${token}`).digest('base64url') },
    ]);
    const reset = await app.request({
      method: 'POST',
      url: '/api/auth/reset-password',
      body: { token, newPassword: 'new password 2' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await signIn(email, 'new password 2')).statusCode).toBe(200);
  });

  it('verifies the email through a link opened without a session, but signs nobody in', async () => {
    const email = uniqueEmail('owner');
    const up = await app.request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      body: { email, password: 'correct horse battery', name: 'Owner', callbackURL: '/verified' },
    });
    expect(up.statusCode).toBe(200);
    const link = await linkFrom(email, /verify/i);
    // Someone else's browser (no cookie) opens the link: the address is verified ...
    const res = await app.request({ method: 'GET', url: link.pathname + link.search });
    expect(res.statusCode).toBe(302);
    // ... the page it lands on is told which address, to ask for a sign-in as it ...
    const landing = new URL(String(res.headers.location), 'http://localhost:3000');
    expect(landing.pathname).toBe('/verified');
    expect(landing.searchParams.get('email')).toBe(email);
    const setCookie = res.headers['set-cookie'];
    const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
    // ... and no session comes with it (login CSRF: it would sign that browser in as the owner).
    expect(cookies.filter((c) => c.includes('session_token=') && !/max-age=0/i.test(c))).toEqual([]);
    const user = await app.troupe.data.db
      .selectFrom('user')
      .select(['emailVerified'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(Boolean(user.emailVerified)).toBe(true);
    expect(await app.troupe.data.db.selectFrom('session').select('id').execute()).toHaveLength(1);
  });

  it('does not reveal whether an email has an account when asked for a reset', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/auth/request-password-reset',
      body: { email: uniqueEmail('nobody'), redirectTo: '/reset-password' },
    });
    expect(res.statusCode).toBe(200);
    expect(await listRecentMail(app.troupe.data.db, 10)).toEqual([]);
  });

  it('rate limits sign-in attempts per email and client', async () => {
    const { email } = await signUp(app, { password: 'right password' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await signIn(email, 'wrong password')).statusCode);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await signIn(email, 'right password');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('rate_limited');
    // Another account from the same client is not locked out by it.
    const other = await signUp(app, { password: 'other password' });
    expect((await signIn(other.email, 'other password')).statusCode).toBe(200);
  });

  it.each([
    ['POST', '/api/auth/reset-password', { token: 'not-a-token', newPassword: 'another good password' }],
    ['GET', '/api/auth/reset-password/not-a-token?callbackURL=%2Freset', undefined],
    ['GET', '/api/auth/verify-email?token=not-a-token', undefined],
  ] as const)(
    'limits tries of emailed tokens per client: %s %s (60 a minute, then 429)',
    async (method, url, body) => {
      const from = (remoteAddress: string) => app.request({ method, url, body, remoteAddress });
      const first = (await from('203.0.113.7')).statusCode;
      expect(first).not.toBe(429);
      for (let i = 2; i <= EMAILED_TOKEN_TRIES_PER_MINUTE; i++) {
        expect((await from('203.0.113.7')).statusCode, `try ${i}`).toBe(first);
      }
      const refused = await from('203.0.113.7');
      expect(refused.statusCode).toBe(429);
      expect(refused.json().code).toBe('rate_limited');
      expect(refused.headers['retry-after']).toBeDefined();
      // Another client is not held back.
      expect((await from('198.51.100.9')).statusCode).toBe(first);
    },
  );

  it('stores passwords as argon2id hashes', async () => {
    const { userId } = await signUp(app, { password: 'plain text never' });
    const account = await app.troupe.data.db
      .selectFrom('account' as never)
      .select(['password' as never])
      .where('userId' as never, '=', userId as never)
      .executeTakeFirstOrThrow();
    expect(String((account as { password: string }).password)).toMatch(/^\$argon2id\$/);
  });

  it('stores session tokens only as SHA-256 hashes, and every session action still works', async () => {
    const { userId, cookie } = await signUp(app, { password: 'right password' });
    const rawToken = decodeURIComponent(cookie.split('=')[1] as string).split('.')[0] as string;
    expect(rawToken.length).toBeGreaterThanOrEqual(32);
    const stored = async () =>
      (
        await app.troupe.data.db
          .selectFrom('session' as never)
          .select(['token' as never])
          .where('userId' as never, '=', userId as never)
          .execute()
      ).map((r) => String((r as { token: string }).token));
    expect(await stored()).toEqual([createHash('sha256').update(rawToken).digest('hex')]);
    // What a copy of the database holds is no credential, even signed with the real secret.
    const [storedHash] = await stored();
    const signedHash = `${cookie.split('=')[0]}=${encodeURIComponent(
      `${storedHash}.${createHmac('sha256', app.config.authSecret)
        .update(storedHash as string)
        .digest('base64')}`,
    )}`;
    expect((await app.request({ method: 'GET', url: '/api/me', cookie: signedHash })).statusCode).toBe(401);
    const betterAuthWithHash = await app.request({
      method: 'GET',
      url: '/api/auth/get-session',
      cookie: signedHash,
    });
    expect(betterAuthWithHash.json()?.user).toBeUndefined();
    // Our session check and Better Auth's own both find the session from the cookie.
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(200);
    const viaBetterAuth = await app.request({ method: 'GET', url: '/api/auth/get-session', cookie });
    expect(viaBetterAuth.json().user.id).toBe(userId);
    // Routes that set the cookie again from the session they looked up (the verification link
    // followed in the signed-in browser, a profile change) set one that works.
    const { email } = (await app.request({ method: 'GET', url: '/api/me', cookie })).json();
    const link = await linkFrom(email, /verify/i);
    let reissued = 0;
    for (const res of [
      await app.request({ method: 'GET', url: link.pathname + link.search, cookie }),
      await app.request({ method: 'POST', url: '/api/auth/update-user', cookie, body: { name: 'Renamed' } }),
    ]) {
      expect(res.statusCode).toBeLessThan(400);
      if (String(res.headers['set-cookie'] ?? '').includes('session_token=')) {
        reissued++;
        const again = sessionCookie(res);
        expect((await app.request({ method: 'GET', url: '/api/me', cookie: again })).statusCode).toBe(200);
      }
    }
    expect(reissued).toBeGreaterThan(0);
    // Sign-out finds and deletes it.
    expect(
      (await app.request({ method: 'POST', url: '/api/auth/sign-out', cookie, body: {} })).statusCode,
    ).toBe(200);
    expect(await stored()).toEqual([]);
    expect((await app.request({ method: 'GET', url: '/api/me', cookie })).statusCode).toBe(401);
  });
});
