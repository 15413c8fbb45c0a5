import { type Db, inTransaction } from '../../data/db.ts';
import { deleteItem, listExpiredTrash } from '../../data/items.repo.ts';
import { TRASH_MS } from '../../domain/access.ts';
import type { Clock } from '../../infra/clock.ts';
import { type PeriodicJob, startPeriodicJob } from '../../infra/periodic-job.ts';

/** A run deletes for good every item in a trash for more than 30 days and answers how many. */
export type TrashPurger = PeriodicJob<number>;

/**
 * Empties the trash (SPEC §5): an item deleted more than 30 days ago (by `clock`) is deleted for
 * good with everything that went with it. Deleting the rows is all it takes: video files' triggers
 * queue their stored objects in `storage_deletions`, captions, share pages and grants go by
 * cascade, and the storage sweeper is nudged to remove the objects. Runs at start and every
 * `intervalMs` in every node; two nodes purging at once delete the same rows, which is harmless.
 */
export function startTrashPurger(
  deps: {
    db: Db;
    clock: Clock;
    storageChanged: () => void;
    log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  },
  intervalMs = 60 * 60 * 1000,
): TrashPurger {
  // Shutting down, it ends after the batch at hand; the rest is purged at the next start.
  const purge = async (stopped: () => boolean): Promise<number> => {
    let purged = 0;
    while (!stopped()) {
      const due = await listExpiredTrash(deps.db, deps.clock.now() - TRASH_MS, 100);
      for (const item of due) {
        await inTransaction(deps.db, (tx) => deleteItem(tx, item.workspaceId, item.id));
        purged++;
      }
      if (due.length < 100) break;
    }
    if (purged > 0) {
      deps.storageChanged();
      deps.log.info({ purged }, 'trash: deleted items older than 30 days for good');
    }
    return purged;
  };
  return startPeriodicJob(purge, {
    intervalMs,
    onError: (err) => deps.log.warn({ err: String(err) }, 'trash purge failed'),
  });
}
