import { afterEach, describe, expect, it, vi } from 'vitest';
import { listRecentMail } from '../src/data/outbox.repo.ts';
import { signUp, startTestApp, type TestApp } from './harness.ts';

describe('the dev mailbox', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const get = (url: string, opts: { remoteAddress?: string; headers?: Record<string, string> } = {}) =>
    (app as TestApp).troupe.server.inject({ method: 'GET', url, ...opts });

  it('answers loopback clients only; others get the 404 of a route that does not exist', async () => {
    app = await startTestApp('sqlite');
    const { email } = await signUp(app);
    for (const remoteAddress of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      const res = await get('/dev/mailbox.json', { remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(200);
      expect(res.json().mails[0].to).toBe(email);
    }
    const missing = await get('/dev/no-such-page', { remoteAddress: '203.0.113.7' });
    for (const url of ['/dev/mailbox', '/dev/mailbox.json', '/dev/mailbox/01ABC']) {
      for (const remoteAddress of ['203.0.113.7', '10.0.0.2', '::ffff:192.168.1.4', '2001:db8::1']) {
        const res = await get(url, { remoteAddress });
        expect(res.statusCode, `${url} from ${remoteAddress}`).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'not_found', title: missing.json().title });
        expect(res.body).not.toContain(email);
      }
    }
  });

  it('answers an unknown mail id with a problem, like every error', async () => {
    app = await startTestApp('sqlite');
    const res = await get('/dev/mailbox/01NOSUCHMAIL', { remoteAddress: '127.0.0.1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('not_found');
  });

  it('refuses a loopback connection that came through a proxy', async () => {
    app = await startTestApp('sqlite');
    await signUp(app);
    for (const headers of <Record<string, string>[]>[
      { 'x-forwarded-for': '127.0.0.1' },
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { 'x-real-ip': '203.0.113.7' },
    ]) {
      expect((await get('/dev/mailbox.json', { headers })).statusCode, JSON.stringify(headers)).toBe(404);
    }
  });

  it('trusts the socket, not X-Forwarded-For, even with TRUST_PROXY set', async () => {
    app = await startTestApp('sqlite', { env: { TRUST_PROXY: 'true' } });
    await signUp(app);
    const res = await get('/dev/mailbox.json', {
      remoteAddress: '203.0.113.7',
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(res.statusCode).toBe(404);
  });

  it('does not exist when SMTP_URL is set, even outside production and for loopback', async () => {
    app = await startTestApp('sqlite', { env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    await signUp(app);
    for (const url of ['/dev/mailbox', '/dev/mailbox.json']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
  });

  it('keeps showing a mail and its link after the dev mailer "sent" it', async () => {
    app = await startTestApp('sqlite', { runOutboxWorker: true });
    const { email } = await signUp(app);
    const db = app.troupe.data.db;
    await vi.waitFor(async () => expect((await listRecentMail(db, 1))[0]?.status).toBe('sent'));
    const res = await app.request({ method: 'GET', url: '/dev/mailbox.json' });
    expect(res.statusCode).toBe(200);
    const mail = res.json().mails.find((m: { to: string }) => m.to === email);
    expect(mail).toMatchObject({ status: 'sent' });
    expect(mail.links[0]).toContain('/api/auth/verify-email?token=');
  });
});
