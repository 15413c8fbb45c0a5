import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRecentMail } from '../src/data/outbox.repo.ts';
import {
  createWorkspace,
  dialects,
  invitationToken,
  invite,
  signUp,
  startTestApp,
  type TestApp,
  uniqueEmail,
} from './harness.ts';

/**
 * The real pino output at the default level (info), captured from the server's log stream: no
 * token that grants anything may appear in it, whatever the path or query it came in.
 */
describe.each(dialects)('tokens in the log on %s', (dialect) => {
  let app: TestApp;
  let log: string[];
  beforeEach(async () => {
    log = [];
    app = await startTestApp(dialect, {
      env: { LOG_LEVEL: 'info' },
      logStream: { write: (line: string) => void log.push(line) },
    });
  });
  afterEach(async () => {
    await app.close();
  });

  async function mailLink(to: string, subject: RegExp): Promise<URL> {
    const mail = (await listRecentMail(app.troupe.data.db, 50)).find(
      (m) => m.to_address === to && subject.test(m.subject),
    );
    const link = mail?.text_body.match(/https?:\/\/\S+/)?.[0];
    if (!link) throw new Error(`no mail to ${to} matching ${subject}`);
    return new URL(link);
  }

  it('never logs invitation, reset, verification, join or share-page tokens', async () => {
    const admin = await signUp(app, { name: 'Ada Admin' });
    const ws = await createWorkspace(app, admin.cookie);
    const guest = await signUp(app, { email: uniqueEmail('guest') });
    expect((await invite(app, admin.cookie, ws.id, [guest.email])).statusCode).toBe(201);
    const inviteToken = await invitationToken(app, guest.email);

    const verify = await mailLink(guest.email, /verify/i);
    const verifyToken = verify.searchParams.get('token') as string;
    expect(verifyToken).toBeTruthy();

    await app.request({
      method: 'POST',
      url: '/api/auth/request-password-reset',
      body: { email: guest.email, redirectTo: '/reset-password' },
    });
    const reset = await mailLink(guest.email, /reset/i);
    const resetToken = reset.pathname.split('/').pop() as string;
    expect(resetToken.length).toBeGreaterThan(10);

    // Tokens of routes to come (invite links, share pages) travel the same way.
    const linkToken = 'LinkTokenLinkTokenLinkToken0123456789abcde';
    const slug = 'SlugSlugSlugSlug0123456789';

    const get = (url: string, cookie?: string) => app.request({ method: 'GET', url, cookie });
    const post = (url: string, cookie?: string) => app.request({ method: 'POST', url, cookie, body: {} });
    expect((await get(`/api/invitations/${inviteToken}`)).statusCode).toBe(200);
    expect((await post(`/api/invitations/${inviteToken}/accept`, guest.cookie)).statusCode).toBeLessThan(500);
    await get(`/api/invit%61tions/${inviteToken}`);
    await get(`/API/Invitations/${inviteToken}?x=1`);
    expect((await get(reset.pathname + reset.search)).statusCode).toBe(302);
    await get(`/reset-password?token=${resetToken}`);
    expect((await get(verify.pathname + verify.search)).statusCode).toBe(302);
    await get(`/invite/${inviteToken}`);
    await get(`/invite/${inviteToken}/`);
    await post(`/api/join/${linkToken}`, guest.cookie);
    await get(`/join/${linkToken}`);
    await get(`/v/${slug}`);
    await get(`/embed/${slug}`);
    await get(`/api/public/videos/${slug}`);
    await post(`/api/public/videos/${slug}/unlock`);
    await get(`/api/public/videos/${slug}/file`);

    const text = log.join('');
    // The requests were logged, at info, with their (redacted) paths.
    expect(text).toContain('"msg":"incoming request"');
    expect(text).toContain('/api/invitations/');
    expect(text).toContain('/api/public/videos/');
    for (const secret of [inviteToken, resetToken, verifyToken, linkToken, slug]) {
      expect(text, secret).not.toContain(secret);
    }
  });
});
