/**
 * better-sqlite3 objects (connections, statements, backups) kept reachable until the process ends.
 *
 * better-sqlite3 12's objects are `node::ObjectWrap`s, and on Node 24.19+ an ObjectWrap's destructor
 * asks for the current Node environment to remove its cleanup hook (nodejs/node#65446). When the
 * object is garbage-collected outside JavaScript (V8's memory reducer in an idle moment, or the
 * collection as the process exits) there is none and the process aborts: "Assertion failed: (env)
 * != nullptr", `Database::~Database` or `Statement::~Statement` on its stack. Measured on Node
 * 24.21: 200 connections opened, closed and dropped, then 3 s idle, aborts every time; seen in CI
 * in a test process that had closed a few (2026-12-06) and in the backup command (2026-12-05). An
 * object that stays reachable is never collected and never runs that destructor.
 *
 * So whatever is done with such an object hands it here instead of dropping it: a closed
 * connection (db.ts), a statement dropped from the statement cache (db.ts; one per SQL text
 * beyond the cache's size, so this grows only with the number of distinct texts), the backup
 * command's, and the tests' own. A closed connection keeps nothing open (closing finalizes its
 * statements). better-sqlite3 13 (N-API) has no such destructor, but needs Node 22+.
 */
const kept: unknown[] = [];

export function keepUntilExit<T>(handle: T): T {
  kept.push(handle);
  return handle;
}

/** How many objects are kept (tests). */
export const keptCount = () => kept.length;
