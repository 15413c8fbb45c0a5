import type { Db, Dialect } from '../../data/db.ts';
import {
  claimDueMail,
  failAbandonedMail,
  markMailFailed,
  markMailSent,
  purgeMail,
} from '../../data/outbox.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Mailer } from '../../infra/mailer.ts';
import { startPeriodicJob } from '../../infra/periodic-job.ts';

export const MAX_ATTEMPTS = 8;
const BATCH = 20;
/** A row claimed longer ago than this belongs to a worker that died. */
const ABANDONED_AFTER_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
/** Sent mail is deleted this long after sending (its body was blanked when it went out). */
export const SENT_RETENTION_MS = 7 * DAY_MS;
/** Failed mail (blanked too) stays this long, for an operator to see what did not go out and why. */
export const FAILED_RETENTION_MS = 30 * DAY_MS;
/** How often a worker applies the retention. */
const PURGE_EVERY_MS = 60 * 60_000;

/** 2 s, 4 s, 8 s ... capped at 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** attempts * 1000, 10 * 60_000);
}

export interface OutboxDeps {
  db: Db;
  dialect: Dialect;
  mailer: Mailer;
  clock: Clock;
  log: { warn(obj: object, msg: string): void };
  /**
   * Keep the bodies of sent and failed mail (their links are credentials). Only while the dev
   * mailbox, which shows them, is on; otherwise a body lives only until its mail is sent.
   */
  keepBodies?: boolean;
  /** Told of each delivery attempt's outcome (the metrics). */
  delivered?(outcome: 'sent' | 'retry' | 'failed'): void;
}

/** Claims due mail and sends it. Returns how many were handled (sent or failed). */
export async function deliverDueMail(deps: OutboxDeps): Promise<number> {
  const now = deps.clock.now();
  const keep = deps.keepBodies ?? false;
  await failAbandonedMail(deps.db, now - ABANDONED_AFTER_MS, keep);
  const rows = await claimDueMail(deps.db, deps.dialect, now, BATCH);
  for (const row of rows) {
    try {
      await deps.mailer.send({
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryAt = row.attempts >= MAX_ATTEMPTS ? null : deps.clock.now() + backoffMs(row.attempts);
      deps.log.warn(
        { mailId: row.id, attempts: row.attempts, retryAt, err: message },
        'mail delivery failed',
      );
      await markMailFailed(deps.db, row.id, message, retryAt, keep);
      deps.delivered?.(retryAt === null ? 'failed' : 'retry');
      continue;
    }
    // The SMTP server accepted it: from here on it is never sent again (at most once per row). A
    // failure to record that is not a failed delivery (which would put the row back to pending).
    deps.delivered?.('sent');
    await recordSent(deps, row.id, keep);
  }
  return rows.length;
}

/** Tries to record a sent mail this many times before leaving it to the abandoned-row sweep. */
const MARK_SENT_TRIES = 3;

/**
 * Records a mail the SMTP server accepted as sent, trying again at once on a failure (a lost
 * connection, a deadlock, SQLITE_BUSY). If every try fails the row stays `sending`, and the sweep of
 * abandoned rows (`failAbandonedMail`, after ABANDONED_AFTER_MS) marks it failed: never pending,
 * never sent twice.
 */
async function recordSent(deps: OutboxDeps, id: string, keep: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await markMailSent(deps.db, id, deps.clock.now(), keep);
      return;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (attempt >= MARK_SENT_TRIES) {
        deps.log.warn(
          { mailId: id, err: message },
          'mail sent but not recorded as sent; left for the abandoned-row sweep (not sent again)',
        );
        return;
      }
    }
  }
}

/** Applies the retention (see SENT_RETENTION_MS, FAILED_RETENTION_MS). Returns the rows deleted. */
export async function purgeOldMail(deps: Pick<OutboxDeps, 'db' | 'clock' | 'keepBodies'>): Promise<number> {
  const now = deps.clock.now();
  return purgeMail(deps.db, {
    sentBefore: now - SENT_RETENTION_MS,
    failedBefore: now - FAILED_RETENTION_MS,
    keepBodies: deps.keepBodies ?? false,
  });
}

export interface OutboxWorker {
  /** Ask for a delivery round soon (after a mail was enqueued in this process). */
  nudge(): void;
  stop(): Promise<void>;
}

/**
 * Polls the outbox every `intervalMs`, and at once when nudged. One round at a time. The first
 * round, and then one an hour, applies the retention first.
 */
export function startOutboxWorker(deps: OutboxDeps, intervalMs = 1000): OutboxWorker {
  let nextPurgeAt = 0;
  const round = async (stopped: () => boolean) => {
    if (deps.clock.now() >= nextPurgeAt) {
      nextPurgeAt = deps.clock.now() + PURGE_EVERY_MS;
      await purgeOldMail(deps);
    }
    while ((await deliverDueMail(deps)) === BATCH && !stopped()) {}
  };
  const job = startPeriodicJob(round, {
    intervalMs,
    onError: (err) =>
      deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox round failed'),
  });
  return { nudge: job.nudge, stop: job.stop };
}
