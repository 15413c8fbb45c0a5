/**
 * Races between changes to a workspace's folder tree, made deterministic on PostgreSQL: a
 * connection of the test's own takes the workspace's row lock (as a transaction that got there
 * first would), and sends the requests one by one while it holds it, each once the ones before are
 * waiting for a lock (or have answered); then it commits. Each request has by then done whatever it
 * does before it waits for that lock, and they queue for it in the order sent. Without the lock as a
 * request's first statement, it checks the tree as it was before the others committed. SQLite runs
 * one writing transaction at a time: there the requests are sent at once (in no particular order),
 * with nothing held.
 */
import pg from 'pg';
import type { TestApp } from './harness.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function raceUnderWorkspaceLock<T>(
  app: TestApp,
  workspaceId: string,
  requests: (() => Promise<T>)[],
): Promise<T[]> {
  if (app.dialect !== 'postgres') return Promise.all(requests.map((r) => r()));
  const holder = new pg.Client({ connectionString: app.config.databaseUrl as string });
  await holder.connect();
  const waiting = async () =>
    Number(
      (
        await holder.query(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).rows[0].n,
    );
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
    const pending: Promise<T>[] = [];
    let answered = 0;
    for (const r of requests) {
      pending.push(r().finally(() => answered++));
      // Until every request sent so far waits for a lock (or has answered), five seconds at most.
      for (let ms = 0; (await waiting()) + answered < pending.length && ms < 5000; ms += 10) await pause(10);
    }
    await holder.query('COMMIT');
    return await Promise.all(pending);
  } finally {
    await holder.end();
  }
}
