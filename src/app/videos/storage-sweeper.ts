import type { Db } from '../../data/db.ts';
import { listDueDeletions, releaseGuard } from '../../data/videos.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import { type PeriodicJob, startPeriodicJob } from '../../infra/periodic-job.ts';
import type { Storage } from '../../infra/storage.ts';

/** A run removes every object due for removal now and answers how many. */
export type StorageSweeper = PeriodicJob<number>;

/**
 * Removes stored objects queued in `storage_deletions` (by the video_files triggers, or uploads
 * that never finished): the object first, then its row, so a crash in between only repeats a
 * delete. Runs when nudged and every `intervalMs`; any node may run it (deletes are idempotent).
 */
export function startStorageSweeper(
  deps: { db: Db; storage: Storage; clock: Clock; log: { warn(obj: object, msg: string): void } },
  intervalMs = 60_000,
): StorageSweeper {
  // Shutting down, it ends after the batch at hand; the rest is swept at the next start.
  const sweep = async (stopped: () => boolean): Promise<number> => {
    let removed = 0;
    while (!stopped()) {
      const keys = await listDueDeletions(deps.db, deps.clock.now(), 100);
      for (const key of keys) {
        await deps.storage.delete(key);
        await releaseGuard(deps.db, key);
        removed++;
      }
      if (keys.length < 100) break;
    }
    return removed;
  };
  return startPeriodicJob(sweep, {
    intervalMs,
    onError: (err) => deps.log.warn({ err: String(err) }, 'storage sweep failed'),
  });
}
