import type { Db } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Storage } from '../../infra/storage.ts';

export interface VideoDeps {
  db: Db;
  clock: Clock;
  storage: Storage;
  maxVideoBytes: number;
  /** Asks the storage sweeper to run soon (objects were queued for removal). */
  storageChanged(): void;
}
