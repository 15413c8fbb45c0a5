import type { Db, Dialect } from '../../data/db.ts';
import { claimDueMail, failAbandonedMail, markMailFailed, markMailSent } from '../../data/outbox.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Mailer } from '../../infra/mailer.ts';

export const MAX_ATTEMPTS = 8;
const BATCH = 20;
/** A row claimed longer ago than this belongs to a worker that died. */
const ABANDONED_AFTER_MS = 10 * 60_000;

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
}

/** Claims due mail and sends it. Returns how many were handled (sent or failed). */
export async function deliverDueMail(deps: OutboxDeps): Promise<number> {
  const now = deps.clock.now();
  await failAbandonedMail(deps.db, now - ABANDONED_AFTER_MS);
  const rows = await claimDueMail(deps.db, deps.dialect, now, BATCH);
  for (const row of rows) {
    try {
      await deps.mailer.send({
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body,
      });
      await markMailSent(deps.db, row.id, deps.clock.now());
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryAt = row.attempts >= MAX_ATTEMPTS ? null : deps.clock.now() + backoffMs(row.attempts);
      deps.log.warn(
        { mailId: row.id, attempts: row.attempts, retryAt, err: message },
        'mail delivery failed',
      );
      await markMailFailed(deps.db, row.id, message, retryAt);
    }
  }
  return rows.length;
}

export interface OutboxWorker {
  /** Ask for a delivery round soon (after a mail was enqueued in this process). */
  nudge(): void;
  stop(): Promise<void>;
}

/** Polls the outbox every `intervalMs`, and at once when nudged. One round at a time. */
export function startOutboxWorker(deps: OutboxDeps, intervalMs = 1000): OutboxWorker {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const round = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          while ((await deliverDueMail(deps)) === BATCH && !stopped) {}
        } while (again && !stopped);
      } catch (err) {
        deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox round failed');
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(round, intervalMs);
  timer.unref();
  return {
    nudge: () => setImmediate(round),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
