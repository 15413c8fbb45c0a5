import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, deliverDueMail, MAX_ATTEMPTS, startOutboxWorker } from '../src/app/mail/outbox-worker.ts';
import { type DataSource, openPostgres, openSqlite } from '../src/data/db.ts';
import { claimDueMail, findMail, insertMail, insertMails, listRecentMail } from '../src/data/outbox.repo.ts';
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

  it('keeps no body once a mail is sent: its link lived in the table only until delivery', async () => {
    const { email } = await signUp(app, { name: 'Mia' });
    const [row] = await listRecentMail(app.troupe.data.db, 10);
    const link = row?.text_body.match(/https?:\/\/\S+/)?.[0] as string;
    expect(link).toContain('/api/auth/verify-email?token=');
    expect(await deliverDueMail(deps())).toBe(1);
    expect(smtp.received[0]?.to).toEqual([email]);
    const [after] = await listRecentMail(app.troupe.data.db, 10);
    expect(after).toMatchObject({ status: 'sent', text_body: '', html_body: '' });
    const token = new URL(link).searchParams.get('token') as string;
    const everything = JSON.stringify(
      await app.troupe.data.db.selectFrom('mail_outbox').selectAll().execute(),
    );
    expect(everything).not.toContain(token);
  });

  it('clears the body of a mail that gave up and of one a dead worker left half-sent', async () => {
    const mail = { to: 'x@example.com', subject: 'Hello', text: 'secret link', html: '<p>secret link</p>' };
    await insertMail(app.troupe.data.db, mail, app.clock.now());
    smtp.failNext(100);
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      expect(await deliverDueMail(deps())).toBe(1);
      app.clock.advance(backoffMs(i));
    }
    const [failed] = await listRecentMail(app.troupe.data.db, 1);
    expect(failed).toMatchObject({ status: 'failed', text_body: '', html_body: '' });

    await insertMail(app.troupe.data.db, { ...mail, to: 'y@example.com' }, app.clock.now());
    const [pending] = await listRecentMail(app.troupe.data.db, 1);
    await app.troupe.data.db
      .updateTable('mail_outbox')
      .set({ status: 'sending', claimed_at: app.clock.now() })
      .where('id', '=', pending?.id as string)
      .execute();
    app.clock.advance(11 * 60_000);
    await deliverDueMail(deps());
    expect(await findMail(app.troupe.data.db, pending?.id as string)).toMatchObject({
      status: 'failed',
      text_body: '',
      html_body: '',
    });
  });

  it('purges sent mail after 7 days and failed mail after 30, never pending mail', async () => {
    const db = app.troupe.data.db;
    const now = app.clock.now();
    const add = async (to: string) => {
      await insertMail(db, { to, subject: 'Hi', text: 'link', html: '<p>link</p>' }, now);
      return (await listRecentMail(db, 1))[0]?.id as string;
    };
    // As rows written before bodies were cleared on sending would be.
    const sent = await add('sent@example.com');
    await db
      .updateTable('mail_outbox')
      .set({ status: 'sent', sent_at: now })
      .where('id', '=', sent)
      .execute();
    const failed = await add('failed@example.com');
    await db.updateTable('mail_outbox').set({ status: 'failed' }).where('id', '=', failed).execute();
    const later = await add('later@example.com');
    await db
      .updateTable('mail_outbox')
      .set({ next_attempt_at: now + 365 * 86_400_000 })
      .where('id', '=', later)
      .execute();

    const worker = startOutboxWorker({ ...deps(), log: quiet }, 20);
    try {
      const statuses = async () =>
        Object.fromEntries(
          (await listRecentMail(db, 10)).map((r) => [r.to_address, `${r.status}:${r.text_body}`]),
        );
      // Leftover bodies of finished mail are cleared on the worker's first round.
      await vi.waitFor(async () =>
        expect(await statuses()).toEqual({
          'sent@example.com': 'sent:',
          'failed@example.com': 'failed:',
          'later@example.com': 'pending:link',
        }),
      );
      app.clock.advance(7 * 86_400_000 + 1);
      await vi.waitFor(async () =>
        expect(await statuses()).toEqual({
          'failed@example.com': 'failed:',
          'later@example.com': 'pending:link',
        }),
      );
      app.clock.advance(23 * 86_400_000);
      await vi.waitFor(async () => expect(await statuses()).toEqual({ 'later@example.com': 'pending:link' }));
    } finally {
      await worker.stop();
    }
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

  // The worker's code is the same on both databases; SQLite's triggers make the failure easy to stage.
  it.runIf(dialect === 'sqlite')(
    'never resends a mail SMTP accepted when recording it as sent fails: tried again, else left for the sweep',
    async () => {
      const db = app.troupe.data.db;
      const mail = { to: 'x@example.com', subject: 'Hello', text: 'hi', html: '<p>hi</p>' };
      const statusOf = async () => (await listRecentMail(db, 1))[0]?.status;
      // The 'sent' update fails once (RAISE(FAIL) keeps the trigger's DELETE: the next try passes).
      await sql`CREATE TABLE hiccup_once (x integer)`.execute(db);
      await sql`INSERT INTO hiccup_once VALUES (1)`.execute(db);
      await sql`CREATE TRIGGER hiccup BEFORE UPDATE ON mail_outbox
        WHEN NEW.status = 'sent' AND EXISTS (SELECT 1 FROM hiccup_once)
        BEGIN DELETE FROM hiccup_once; SELECT RAISE(FAIL, 'x'); END`.execute(db);
      await insertMail(db, mail, app.clock.now());
      expect(await deliverDueMail(deps())).toBe(1);
      expect(await statusOf()).toBe('sent');
      app.clock.advance(backoffMs(1) + 1000);
      expect(await deliverDueMail(deps())).toBe(0);
      expect(smtp.received).toHaveLength(1);
      await sql`DROP TRIGGER hiccup`.execute(db);

      // It fails every time: the row stays 'sending' (never pending) and the sweep marks it failed.
      await sql`CREATE TRIGGER hiccup BEFORE UPDATE ON mail_outbox WHEN NEW.status = 'sent'
        BEGIN SELECT RAISE(ABORT, 'x'); END`.execute(db);
      await insertMail(db, { ...mail, to: 'y@example.com' }, app.clock.now());
      expect(await deliverDueMail(deps())).toBe(1);
      expect(smtp.received).toHaveLength(2);
      expect(await statusOf()).toBe('sending');
      app.clock.advance(backoffMs(1) + 1000);
      expect(await deliverDueMail(deps())).toBe(0);
      app.clock.advance(11 * 60_000);
      expect(await deliverDueMail(deps())).toBe(0);
      expect(await statusOf()).toBe('failed');
      expect(smtp.received.map((m) => m.to[0])).toEqual(['x@example.com', 'y@example.com']);
    },
  );

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

  it('claims no more than the batch size, however many are due', async () => {
    // On PostgreSQL, `WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` claimed all 100.
    const mails = Array.from({ length: 100 }, (_, i) => ({
      to: `many${i}@example.com`,
      subject: `Mail ${i}`,
      text: 'hi',
      html: '<p>hi</p>',
    }));
    await insertMails(app.troupe.data.db, mails, app.clock.now());
    const claimed = await claimDueMail(app.troupe.data.db, app.troupe.data.dialect, app.clock.now(), 20);
    expect(claimed).toHaveLength(20);
    const sending = await app.troupe.data.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'sending')
      .executeTakeFirstOrThrow();
    expect(Number(sending.n)).toBe(20);
    // The oldest first.
    const next = await claimDueMail(app.troupe.data.db, app.troupe.data.dialect, app.clock.now(), 20);
    expect(next).toHaveLength(20);
    expect(new Set([...claimed, ...next].map((r) => r.id)).size).toBe(40);
  });

  it.skipIf(dialect !== 'postgres')(
    'a claim skips the rows another claim holds, without waiting for it',
    async () => {
      const mails = Array.from({ length: 50 }, (_, i) => ({
        to: `held${i}@example.com`,
        subject: `Mail ${i}`,
        text: 'hi',
        html: '<p>hi</p>',
      }));
      await insertMails(app.troupe.data.db, mails, app.clock.now());
      const other = openPostgres(app.config.databaseUrl as string);
      try {
        // One worker's claim, its transaction still open (its row locks held) ...
        await app.troupe.data.db.transaction().execute(async (tx) => {
          const first = await claimDueMail(tx, 'postgres', app.clock.now(), 20);
          expect(first).toHaveLength(20);
          // ... and another worker's claim meanwhile: other rows, at once.
          let timer: NodeJS.Timeout | undefined;
          const second = await Promise.race([
            claimDueMail(other.db, 'postgres', app.clock.now(), 20),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('the second claim waited for the first')), 3_000);
            }),
          ]).finally(() => clearTimeout(timer));
          expect(second).toHaveLength(20);
          const firstIds = new Set(first.map((r) => r.id));
          expect(second.filter((r) => firstIds.has(r.id))).toEqual([]);
        });
      } finally {
        await other.close();
      }
    },
  );
});
