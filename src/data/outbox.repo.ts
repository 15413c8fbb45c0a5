import { sql } from 'kysely';
import type { Conn, Dialect } from './db.ts';
import { newId } from './ids.ts';
import { rowInserter } from './reusable-query.ts';
import type { MailOutboxTable } from './schema.ts';
import type { WritePart } from './write-together.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type OutboxRow = MailOutboxTable & { attempts: number };

const insertRows = rowInserter('mail_outbox', [
  'id',
  'to_address',
  'subject',
  'text_body',
  'html_body',
  'status',
  'next_attempt_at',
  'claimed_at',
  'sent_at',
  'last_error',
  'created_at',
]);

const rowsOf = (mails: OutgoingMail[], now: number) =>
  mails.map((mail) => ({
    id: newId(now),
    to_address: mail.to,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
    status: 'pending' as const,
    next_attempt_at: now,
    claimed_at: null,
    sent_at: null,
    last_error: null,
    created_at: now,
  }));

/** Writes mails to the outbox in one statement. Call it with the transaction of the change that causes them. */
export async function insertMails(conn: Conn, mails: OutgoingMail[], now: number): Promise<void> {
  await insertRows(conn, rowsOf(mails, now));
}

/** `insertMails` as a part of a use case's `writeTogether`. */
export const mailsPart = (mails: OutgoingMail[], now: number): WritePart =>
  insertRows.part(rowsOf(mails, now));

export const insertMail = (conn: Conn, mail: OutgoingMail, now: number) => insertMails(conn, [mail], now);

/**
 * Atomically moves up to `limit` due rows from `pending` to `sending` and returns them.
 * Two workers never claim the same row: on PostgreSQL the candidates are locked with
 * FOR UPDATE SKIP LOCKED; SQLite has one writer at a time, so the single UPDATE is atomic.
 *
 * On PostgreSQL the candidates are chosen once, in a MATERIALIZED CTE. As `UPDATE ... WHERE id IN
 * (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)` the planner may run the subquery again for each
 * row it scans (a nested-loop semi-join, the plan it picks on an unanalysed table), and each run
 * skips the rows the earlier ones locked and returns new ones: one claim took every pending row
 * (100 of them with a limit of 20; test/outbox.test.ts). A worker then held the whole backlog, and
 * had to send it all before it could stop.
 */
export async function claimDueMail(
  conn: Conn,
  dialect: Dialect,
  now: number,
  limit: number,
): Promise<OutboxRow[]> {
  const set = { status: 'sending' as const, claimed_at: now, attempts: sql<number>`attempts + 1` };
  if (dialect === 'postgres') {
    return (await conn
      .with(
        (cte) => cte('due').materialized(),
        (db) =>
          db
            .selectFrom('mail_outbox')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
      )
      .updateTable('mail_outbox')
      .from('due')
      .set(set)
      .whereRef('mail_outbox.id', '=', 'due.id')
      .where('mail_outbox.status', '=', 'pending')
      .returningAll('mail_outbox')
      .execute()) as OutboxRow[];
  }
  const due = conn
    .selectFrom('mail_outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit);
  return (await conn
    .updateTable('mail_outbox')
    .set(set)
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .returningAll()
    .execute()) as OutboxRow[];
}

/**
 * A mail's body holds its links (invitations, password resets), which are credentials. Once the
 * mail is sent or given up, nothing needs it: it is blanked unless `keepBody` (the dev mailbox,
 * which shows it, is on).
 */
const blankBody = (keepBody: boolean) => (keepBody ? {} : { text_body: '', html_body: '' });

export async function markMailSent(conn: Conn, id: string, now: number, keepBody = false): Promise<void> {
  await conn
    .updateTable('mail_outbox')
    .set({ status: 'sent', sent_at: now, last_error: null, ...blankBody(keepBody) })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

export async function markMailFailed(
  conn: Conn,
  id: string,
  error: string,
  retryAt: number | null,
  keepBody = false,
): Promise<void> {
  await conn
    .updateTable('mail_outbox')
    .set(
      retryAt === null
        ? { status: 'failed', last_error: error.slice(0, 2000), ...blankBody(keepBody) }
        : { status: 'pending', next_attempt_at: retryAt, last_error: error.slice(0, 2000) },
    )
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * Rows left in `sending` by a worker that died mid-send. The mail may or may not have gone out;
 * at-most-once delivery means they are marked failed, never sent again.
 */
export async function failAbandonedMail(
  conn: Conn,
  claimedBefore: number,
  keepBody = false,
): Promise<number> {
  const res = await conn
    .updateTable('mail_outbox')
    .set({
      status: 'failed',
      last_error: 'worker stopped during delivery; not retried to avoid a duplicate',
      ...blankBody(keepBody),
    })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', claimedBefore)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Retention: deletes sent mail sent before `sentBefore` and failed mail created before
 * `failedBefore`; pending and sending rows are never touched. Unless `keepBodies`, also blanks the
 * bodies finished rows still hold (rows from before bodies were blanked on sending, or from a
 * time the dev mailbox was on). Returns how many rows were deleted.
 */
export async function purgeMail(
  conn: Conn,
  opts: { sentBefore: number; failedBefore: number; keepBodies: boolean },
): Promise<number> {
  const res = await conn
    .deleteFrom('mail_outbox')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'sent'), eb('sent_at', '<', opts.sentBefore)]),
        eb.and([eb('status', '=', 'failed'), eb('created_at', '<', opts.failedBefore)]),
      ]),
    )
    .executeTakeFirst();
  if (!opts.keepBodies) {
    await conn
      .updateTable('mail_outbox')
      .set(blankBody(false))
      .where('status', 'in', ['sent', 'failed'])
      .where((eb) => eb.or([eb('text_body', '<>', ''), eb('html_body', '<>', '')]))
      .execute();
  }
  return Number(res.numDeletedRows);
}

export async function listRecentMail(conn: Conn, limit: number): Promise<OutboxRow[]> {
  return (await conn
    .selectFrom('mail_outbox')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()) as OutboxRow[];
}

export async function findMail(conn: Conn, id: string): Promise<OutboxRow | undefined> {
  return (await conn.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst()) as
    | OutboxRow
    | undefined;
}

/** Mail not sent yet (pending, waiting for a retry, or being sent) and when the oldest was written. */
export async function outboxBacklog(conn: Conn): Promise<{ count: number; oldestCreatedAt: number | null }> {
  const row = await conn
    .selectFrom('mail_outbox')
    .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirst();
  const oldest = row?.oldest;
  return {
    count: Number(row?.count ?? 0),
    oldestCreatedAt: oldest === null || oldest === undefined ? null : Number(oldest),
  };
}
