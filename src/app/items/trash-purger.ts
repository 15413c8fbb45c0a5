import { isoTime } from '../../contract/time.ts';
import { type AuditEntry, insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { listExpiredTrash, purgeTrashedItem } from '../../data/items.repo.ts';
import { TRASH_DAYS, TRASH_MS } from '../../domain/access.ts';
import type { Clock } from '../../infra/clock.ts';
import { type PeriodicJob, startPeriodicJob } from '../../infra/periodic-job.ts';

/** A run deletes for good every item in a trash for more than 30 days and answers how many. */
export type TrashPurger = PeriodicJob<number>;

/**
 * Empties the trash (SPEC §5): an item deleted more than 30 days ago (by `clock`) is deleted for
 * good with everything that went with it. Deleting the rows is all it takes: video files' triggers
 * queue their stored objects in `storage_deletions`, captions, share pages and grants go by
 * cascade, and the storage sweeper is nudged to remove the objects. Runs at start and every
 * `intervalMs` in every node. Each item is deleted only if it is still in the trash for that long
 * (restored since it was listed: kept; two nodes purging at once: one deletes it), and audited as
 * `item.purge` by Troupe itself in the same transaction.
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
      const now = deps.clock.now();
      const due = await listExpiredTrash(deps.db, now - TRASH_MS, 100);
      for (const item of due) {
        const gone = await inTransaction(deps.db, async (tx) => {
          const was = await purgeTrashedItem(tx, item.workspaceId, item.id, now - TRASH_MS);
          if (!was) return false;
          await insertAuditEvents(tx, [purgeAudit(item.workspaceId, item.id, was)], now);
          return true;
        });
        if (gone) purged++;
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

/** Troupe itself deleted it: no person's id. */
const TROUPE_ACTOR = { id: null, label: 'Troupe' };

const purgeAudit = (
  workspaceId: string,
  id: string,
  was: { title: string; kind: string; trashedAt: number },
): AuditEntry => ({
  workspaceId,
  actor: TROUPE_ACTOR,
  action: 'item.purge',
  target: { type: 'item', id, label: was.title },
  before: { kind: was.kind, trashed: true, trashedAt: isoTime(was.trashedAt), trashDays: TRASH_DAYS },
});
