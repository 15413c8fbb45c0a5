import { afterEach, describe, expect, it, vi } from 'vitest';
import { listRecentMail } from '../src/data/outbox.repo.ts';
import { signUp, startTestApp, type TestApp } from './harness.ts';

describe('the dev mailbox', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
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
