import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints of an SQLite database, made by a second connection in a worker thread.
 *
 * In WAL mode every commit appends pages to the -wal file, and SQLite's own automatic checkpoint
 * copies them back into the database file (and, with synchronous=NORMAL, syncs it to disk) inside
 * the commit that crosses 1,000 pages: on the one connection of a Node process, that stops the
 * event loop for every request at once. Measured before this existed: the commit that
 * checkpointed took up to 22-30 ms while a plain commit took 0.5 ms (the p95 of an invitation
 * accept was 19 ms for a p50 of 3.2 ms).
 *
 * Here the worker runs `PRAGMA wal_checkpoint(PASSIVE)` every `everyMs`: it copies what no reader
 * still needs, never waits for a lock and never blocks the writer, which goes on appending. The
 * main connection keeps an automatic checkpoint as a fallback only, at `fallbackPages` (should the
 * worker stop), so the WAL stays bounded either way.
 */
export interface Checkpointer {
  /** Stops the worker and closes its connection (before the main connection closes). */
  stop(): Promise<void>;
}

/** The main connection's own checkpoint threshold, in pages, while the worker checkpoints. */
export const FALLBACK_CHECKPOINT_PAGES = 10_000;

// Plain CommonJS, evaluated by the worker (no TypeScript loader is needed in the thread). The
// driver is loaded by its resolved path, the same copy the main thread uses.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.path, { fileMustExist: true });
// A checkpoint that finds the database busy does what it can and returns: never wait.
db.exec('PRAGMA busy_timeout = 0');
const checkpoint = () => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY or a locked database: the next round tries again.
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

export function startCheckpointer(path: string, everyMs = 100): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: driverPath, path, everyMs } });
  // The worker must not keep the process alive, and a failure in it (it cannot open the file, say)
  // leaves the main connection's fallback checkpoint to do the work, instead of ending the process.
  worker.unref();
  let failed = false;
  worker.on('error', () => {
    failed = true;
  });
  // Not events.once: it would reject on the 'error' event, with nobody awaiting it yet.
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced again while it stops: waiting on an unreferenced worker keeps nothing alive, so
      // a process closing its database on the way out would end right here, mid-shutdown (exit 0).
      worker.ref();
      if (!failed) worker.postMessage('stop');
      await exited;
    },
  };
}
