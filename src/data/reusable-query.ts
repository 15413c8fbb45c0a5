import type { Compilable, CompiledQuery } from 'kysely';
import { type Conn, runsPrepared } from './db.ts';

/**
 * For queries on every request's path (the session and API key lookups). Building and compiling a
 * four-table Kysely query costs more CPU than SQLite takes to run it, and PostgreSQL spends more
 * planning it than executing it. So each is compiled once per Kysely instance, with sentinels where
 * the arguments go, then run with the real arguments (on PostgreSQL as a named prepared statement).
 * `prepared: false` keeps the compiled SQL but sends it unnamed on PostgreSQL, planned for each
 * call's values (for queries whose best plan depends on them).
 * Every parameter of the query must come from an argument (numbers too: a string sentinel stands in
 * for them while compiling).
 */
export function reusable<A extends (string | number)[], R>(
  build: (conn: Conn, ...args: A) => Pick<Compilable<R>, 'compile'>,
  opts: { prepared?: boolean } = {},
) {
  const compiled = new WeakMap<Conn, { query: CompiledQuery<R>; slots: number[] }>();
  return (conn: Conn, ...args: A) => {
    let entry = compiled.get(conn);
    if (!entry) {
      const sentinels = args.map((_, i) => `\u0000arg${i}\u0000`) as string[];
      const query = build(conn, ...(sentinels as A)).compile();
      const slots = query.parameters.map((p) => sentinels.indexOf(p as string));
      if (slots.some((i) => i < 0)) throw new Error('reusable query: every parameter must be an argument');
      if (opts.prepared !== false) runsPrepared(query.sql);
      entry = { query, slots };
      compiled.set(conn, entry);
    }
    const { query, slots } = entry;
    return conn.executeQuery<R>({ ...query, parameters: slots.map((i) => args[i]) });
  };
}
