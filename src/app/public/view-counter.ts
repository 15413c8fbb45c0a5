import type { Db } from '../../data/db.ts';
import { addViews } from '../../data/share-pages.repo.ts';

/**
 * Public views, counted in memory and written once a second per video (`views = views + n`), so a
 * page view costs no write on the visitor's request: a commit per view (an fsync on PostgreSQL)
 * was most of the page data request's time. A crash loses at most the last second's counts; each
 * node writes its own. The Share Page adds this node's counts not yet written.
 */
export interface ViewCounter {
  count(itemId: string): void;
  /** Views counted here and not yet written. */
  pending(itemId: string): number;
  /** Writes what is pending (on an interval, and at shutdown). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function startViewCounter(
  deps: { db: Db; log: { warn(obj: object, msg: string): void } },
  intervalMs = 1000,
): ViewCounter {
  let pending = new Map<string, number>();
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    flushing = flushing.then(async () => {
      if (pending.size === 0) return;
      const batch = pending;
      pending = new Map();
      for (const [itemId, n] of batch) {
        try {
          await addViews(deps.db, itemId, n);
        } catch (err) {
          deps.log.warn({ err: String(err) }, 'views: write failed');
        }
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    count(itemId) {
      pending.set(itemId, (pending.get(itemId) ?? 0) + 1);
    },
    pending: (itemId) => pending.get(itemId) ?? 0,
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}
