import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoffMs, deliverDueMail, MAX_ATTEMPTS } from '../src/app/mail/outbox-worker.ts';
import { type DataSource, openPostgres, openSqlite } from '../src/data/db.ts';
import { insertMail, listRecentMail } from '../src/data/outbox.repo.ts';
import { createSmtpMailer } from '../src/infra/mailer.ts';
import { dialects, FakeClock, signUp, startTestApp, type TestApp } from './harness.ts';
import { startSmtpListener } from './smtp-listener.ts';

const quiet = { warn: () => {} };

describe.each(dialects)('mail outbox on %s', (dialect) => {
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
  let app: TestApp;
  beforeEach(async () => {
    smtp = await startSmtpListener();
    app = await startTestApp(dialect, { env: { SMTP_URL: smtp.url } });
  });
  afterEach(async () => {
    await app.close();
    await smtp.close();
  });

  const deps = () => ({
    db: app.troupe.data.db,
    dialect: app.troupe.data.dialect,
    mailer: app.troupe.mailer,
    clock: app.clock,
    log: quiet,
  });

  it('sends the verification mail of a sign-up over real SMTP and marks it sent', async () => {
    const { email } = await signUp(app, { name: 'Mia' });
    const [row] = await listRecentMail(app.troupe.data.db, 10);
    expect(row).toMatchObject({ to_address: email, status: 'pending' });
    expect(await deliverDueMail(deps())).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual([email]);
    expect(smtp.received[0]?.raw).toContain('Subject: Verify your email for Troupe');
    expect(smtp.received[0]?.raw).toContain('/api/auth/verify-email?token=');
    const [after] = await listRecentMail(app.troupe.data.db, 10);
    expect(after).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await deliverDueMail(deps())).toBe(0);
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a temporary SMTP failure with backoff, then delivers once', async () => {
    await insertMail(
      app.troupe.data.db,
      { to: 'x@example.com', subject: 'Hello', text: 'hi', html: '<p>hi</p>' },
      app.clock.now(),
    );
    smtp.failNext(2);
    expect(await deliverDueMail(deps())).toBe(1);
    let [row] = await listRecentMail(app.troupe.data.db, 1);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row?.next_attempt_at).toBe(app.clock.now() + backoffMs(1));
    expect(row?.last_error).toContain('Mailbox busy');

    // Not due yet: nothing happens.
    expect(await deliverDueMail(deps())).toBe(0);
    app.clock.advance(backoffMs(1));
    expect(await deliverDueMail(deps())).toBe(1);
    [row] = await listRecentMail(app.troupe.data.db, 1);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    app.clock.advance(backoffMs(2));
    expect(await deliverDueMail(deps())).toBe(1);
    [row] = await listRecentMail(app.troupe.data.db, 1);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(smtp.received).toHaveLength(1);
  });

  it('gives up after the last attempt and marks the mail failed', async () => {
    await insertMail(
      app.troupe.data.db,
      { to: 'x@example.com', subject: 'Hello', text: 'hi', html: '<p>hi</p>' },
      app.clock.now(),
    );
    smtp.failNext(100);
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      expect(await deliverDueMail(deps())).toBe(1);
      app.clock.advance(backoffMs(i));
    }
    const [row] = await listRecentMail(app.troupe.data.db, 1);
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(await deliverDueMail(deps())).toBe(0);
  });

  it('never resends a mail a dead worker left half-sent', async () => {
    await insertMail(
      app.troupe.data.db,
      { to: 'x@example.com', subject: 'Hello', text: 'hi', html: '<p>hi</p>' },
      app.clock.now(),
    );
    await app.troupe.data.db
      .updateTable('mail_outbox')
      .set({ status: 'sending', claimed_at: app.clock.now() })
      .execute();
    app.clock.advance(11 * 60_000);
    expect(await deliverDueMail(deps())).toBe(0);
    const [row] = await listRecentMail(app.troupe.data.db, 1);
    expect(row?.status).toBe('failed');
    expect(smtp.received).toHaveLength(0);
  });

  it('delivers every mail exactly once with two workers on separate connections', async () => {
    const n = 40;
    for (let i = 0; i < n; i++) {
      await insertMail(
        app.troupe.data.db,
        { to: `r${i}@example.com`, subject: `Mail ${i}`, text: 'hi', html: '<p>hi</p>' },
        app.clock.now(),
      );
    }
    // A second, independent connection to the same database acts as the second worker process.
    const second: DataSource =
      dialect === 'sqlite'
        ? openSqlite(app.config.sqlitePath)
        : openPostgres(app.config.databaseUrl as string);
    const clock = new FakeClock(app.clock.now());
    const mailer2 = createSmtpMailer(smtp.url, 'Troupe <no-reply@troupe.local>');
    const worker = async (
      d: { db: DataSource['db']; dialect: DataSource['dialect'] },
      mailer: typeof mailer2,
    ) => {
      let handled = 0;
      for (;;) {
        const k = await deliverDueMail({ ...d, mailer, clock, log: quiet });
        if (k === 0) break;
        handled += k;
      }
      return handled;
    };
    try {
      const [a, b] = await Promise.all([worker(app.troupe.data, app.troupe.mailer), worker(second, mailer2)]);
      expect(a + b).toBe(n);
    } finally {
      mailer2.close();
      await second.close();
    }
    expect(smtp.received).toHaveLength(n);
    expect(new Set(smtp.received.map((m) => m.to[0])).size).toBe(n);
    const rows = await listRecentMail(app.troupe.data.db, 100);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});
