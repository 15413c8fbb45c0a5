import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type DatabaseConnection,
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { DependencyUnavailable } from '../domain/errors.ts';
import type { Database } from './schema.ts';
import { FALLBACK_CHECKPOINT_PAGES, startCheckpointer } from './sqlite-checkpointer.ts';
import { keepUntilExit } from './sqlite-keep.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Conn = Kysely<Database>;

export interface DataSource {
  db: Db;
  dialect: Dialect;
  /** The PostgreSQL pool's connections now (null on SQLite: one connection, used in turn). */
  poolStats(): PoolStats | null;
  /**
   * From now on, a PostgreSQL query that has not answered after `ms` fails (and its connection is
   * dropped) instead of waiting on a database that stopped answering. Set after the migrations,
   * which may legitimately run long. No effect on SQLite.
   */
  limitQueryTime(ms: number): void;
  close(): Promise<void>;
}

export interface PoolStats {
  /** Connections open (idle or in use). */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

// bigint (int8) columns hold epoch milliseconds: well inside Number's exact range.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export function openSqlite(path: string): DataSource {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // exec, not pragma(): each pragma() call prepares a statement and drops it, and on Node 24.19+
  // better-sqlite3 12 aborts the process when such a statement is garbage-collected outside a
  // JavaScript context (its ObjectWrap destructor: "Assertion failed: (env) != nullptr"). It did,
  // in about 1 start in 6 on Node 24.21; with exec, none in 54. Statements that Kysely runs stay
  // referenced by the cache below.
  // temp_store = MEMORY: statement journals (a statement inside a transaction whose triggers write
  // many rows, as adding a member does: migration 0043) and the temporary B-trees of sorts stay in
  // memory instead of files in the temp directory. Measured: a member added inside a transaction
  // 0.84-1.0 ms -> 0.45-0.6 ms.
  // wal_autocheckpoint: checkpoints are the worker's (sqlite-checkpointer.ts); this connection's own
  // automatic one is only the fallback, at a WAL of 10,000 pages instead of 1,000.
  sqlite.exec(
    `PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES};`,
  );
  const checkpointer = startCheckpointer(path);
  const database = withStatementCache(sqlite);
  const driver = new HeldSqliteDriver({ database });
  const db = new Kysely<Database>({
    dialect: new (class extends SqliteDialect {
      override createDriver() {
        return driver;
      }
    })({ database }),
  });
  // The planner's statistics (ANALYZE) for tables whose size changed a lot, as SQLite advises for
  // long-lived connections: once an hour, between queries, sampling at most 1,000 rows an index.
  // The hot queries' plans do not depend on them (members.repo.ts); the rest are better with them.
  const optimize = setInterval(() => {
    if (!driver.held) sqlite.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize;');
  }, SQLITE_OPTIMIZE_EVERY_MS);
  optimize.unref();
  directRunners.set(db, (sql, parameters, arrays) => {
    if (driver.held) return null;
    const stmt = database.prepare(sql);
    if (stmt.reader) {
      if (!arrays) return { rows: stmt.all(parameters) as unknown[] };
      // Rows as arrays (better-sqlite3's raw mode) for this call only: the statement is shared.
      const raw = stmt as unknown as SQLite.Statement;
      raw.raw(true);
      try {
        return { rows: raw.all(parameters) };
      } finally {
        raw.raw(false);
      }
    }
    const { changes } = stmt.run(parameters);
    return { numAffectedRows: BigInt(changes), rows: [] };
  });
  return {
    db,
    dialect: 'sqlite',
    poolStats: () => null,
    limitQueryTime: () => {},
    close: async () => {
      clearInterval(optimize);
      // The worker's connection first: the last connection to close checkpoints and removes the WAL.
      await checkpointer.stop();
      await db.destroy();
    },
  };
}

const SQLITE_OPTIMIZE_EVERY_MS = 60 * 60 * 1000;

/**
 * Runs one SQL text with its parameters at once (synchronously) on SQLite's single connection, or
 * answers null when Kysely holds the connection (a query or a transaction in progress: then the
 * caller must queue behind it through Kysely, or it would read and write inside another request's
 * transaction). See reusable-query.ts.
 */
export type DirectRun = (
  sql: string,
  parameters: readonly unknown[],
  /** Each row as an array of its columns' values, in the select list's order. */
  arrays?: boolean,
) => QueryResult<unknown> | null;
const directRunners = new WeakMap<Conn, DirectRun>();

/** The direct runner of an SQLite database (never of a transaction, nor on PostgreSQL). */
export function directRunner(conn: Conn): DirectRun | undefined {
  return conn.isTransaction ? undefined : directRunners.get(conn);
}

/** Kysely's SQLite driver, telling whether its one connection is held by a query or transaction. */
class HeldSqliteDriver extends SqliteDriver {
  held = false;
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.held = true;
    return connection;
  }
  override async releaseConnection(): Promise<void> {
    this.held = false;
    await super.releaseConnection();
  }
}

/**
 * Kysely's SQLite driver prepares every query it runs, and preparing (parsing and planning) costs
 * more than running a small indexed query. A statement can be run again, and Kysely runs one query
 * at a time on the connection, so each distinct SQL text is prepared once; beyond `max` texts the
 * least recently used leaves the cache (kept reachable, not collected: sqlite-keep.ts).
 */
function withStatementCache(sqlite: SQLite.Database, max = 200): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      sqlite.close();
      // Closed, not dropped: never garbage-collected (sqlite-keep.ts), nor its statements.
      keepUntilExit(sqlite);
      for (const stmt of cache.values()) keepUntilExit(stmt);
    },
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(unboundLimits(sql));
        if (cache.size >= max) {
          const oldest = cache.keys().next().value as string;
          keepUntilExit(cache.get(oldest));
          cache.delete(oldest);
        }
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * `LIMIT ?` and `OFFSET ?` as `LIMIT +?` and `OFFSET +?`: the same values, but SQLite no longer
 * prepares the statement again on every run. Its planner (SQLite 3.53 as better-sqlite3 12 builds
 * it, with STAT4) reads the bound value of a bare `LIMIT ?` while planning, so it marks the
 * statement to be re-prepared whenever that parameter is bound again, that is on every run: a
 * folder page's query took 22 µs for 2 rows instead of 6, and 89 µs for 51 rows instead of 72 (in
 * process, 2026-12-05); a one-row primary-key select with `LIMIT ?` 5.0 µs instead of 2.7. A unary
 * plus makes the limit an expression, computed when the statement runs. Kysely writes every limit
 * and offset as a bare parameter, so every statement's text passes through here, once (it is
 * cached). Parameters are never part of the text, so no value is changed.
 */
export function unboundLimits(sql: string): string {
  return sql.replace(BARE_LIMIT, '$1 +?');
}

const BARE_LIMIT = /\b(limit|offset)\s+\?(?![\d\w])/gi;

/**
 * SQL texts sent to PostgreSQL as named prepared statements, planned once per connection instead
 * of on every call. Only for small, fixed, hot queries (the per-request session lookups mark theirs
 * with `runsPrepared`); every other query keeps Kysely's unnamed statements.
 */
const preparedNames = new Map<string, string>();

/** Marks one SQL text to run as a named prepared statement on PostgreSQL (no effect on SQLite). */
export function runsPrepared(sqlText: string): void {
  if (!preparedNames.has(sqlText)) preparedNames.set(sqlText, `troupe_${preparedNames.size + 1}`);
}

/**
 * SQL texts whose rows pg answers as arrays of values (its `rowMode: 'array'`), in the select
 * list's order, instead of objects: `reusable(..., { arrays: true })` marks its texts so (see
 * reusable-query.ts). pg then builds one array a row rather than an object that is turned into one.
 */
const arrayTexts = new Set<string>();

/** Marks one SQL text to answer its rows as arrays on PostgreSQL (no effect on SQLite). */
export function runsAsArrays(sqlText: string): void {
  arrayTexts.add(sqlText);
}

/** Error codes of a socket that failed or a host that cannot be reached. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const PROTOCOL_VIOLATION = '08P01';

/**
 * Whether a query failed because the database went away rather than because of the query: a lost
 * or refused connection, a query that timed out, or PostgreSQL's connection exceptions (class 08),
 * admin shutdown and cannot-connect-now (57P01-57P03: after pg_terminate_backend, during a
 * restart or failover) and too many connections (53300). Not 08P01 (protocol_violation): PostgreSQL
 * answers it to a message it refuses, such as a prepared statement bound with the wrong number of
 * parameters — a mistake in this program (a 500, logged), not a database that is not answering.
 */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === PROTOCOL_VIOLATION) return false;
    if (NETWORK_ERRORS.has(code) || code.startsWith('08')) return true;
    if (code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
  }
  return /^(Connection terminated|Query read timeout|Client has encountered a connection error|Client was closed)/.test(
    err.message,
  );
}

/** A query as this module sends it to pg: its own config, with its rows as arrays or objects. */
type RunConfig = pg.QueryConfig & { rowMode?: 'array' };

/**
 * The query with pg's own per-query timeout (its types do not list it). Written out, not
 * `{ ...config, query_timeout }`, which V8 builds through its slow path (every query pays it).
 */
function withTimeout(config: RunConfig, ms: number): RunConfig {
  const timed = { text: config.text, values: config.values, query_timeout: ms } as RunConfig;
  if (config.name !== undefined) timed.name = config.name;
  if (config.rowMode !== undefined) timed.rowMode = config.rowMode;
  return timed;
}

/**
 * PostgreSQL's query_canceled (statement_timeout among its causes) and lock_not_available
 * (lock_timeout): the database did not answer in time.
 */
const TIMED_OUT = new Set(['57014', '55P03']);

/**
 * The time limits PostgreSQL applies to every statement of the pool's connections, a COMMIT's
 * deferred triggers included (see guardedPool): well before pg's own timeout (`queryMs`), so that
 * PostgreSQL's cancellation, not pg's, ends a slow one.
 */
function serverTimeoutMs(queryMs: number): number {
  return Math.max(1, Math.floor(queryMs * 0.8));
}

/**
 * Sets a connection's time limits for its session (not SET LOCAL: once a connection, outside any
 * transaction). statement_timeout cancels a slow statement; lock_timeout a COMMIT waiting for a
 * row its deferred triggers update (statement_timeout does not reach those on PostgreSQL 15,
 * measured; lock_timeout does). 0 turns both off.
 */
const limitsText = (ms: number) =>
  `select set_config('statement_timeout', '${ms}', false), set_config('lock_timeout', '${ms}', false)`;

/** What pg answers for BEGIN. */
const BEGUN = { command: 'BEGIN', rowCount: null, rows: [], fields: [] };

/** What pg answers for COMMIT and ROLLBACK. */
const ENDED = {
  commit: { command: 'COMMIT', rowCount: null, rows: [], fields: [] },
  rollback: { command: 'ROLLBACK', rowCount: null, rows: [], fields: [] },
};

/**
 * The end of a statement's text that asks for COMMIT right behind it (PostgreSQL only; see
 * `thenCommit` and guardedPool): a comment, so the text still runs as it is.
 */
const THEN_COMMIT = '\n-- then commit';

/**
 * A transaction's last statement as a text that commits the transaction with it: guardedPool
 * writes COMMIT right behind the statement without waiting for its answer (pg's pipeline mode),
 * one round trip and one turn of the event loop fewer a write. Only for a statement after which
 * the transaction's callback runs no other statement and cannot fail: the statement after it
 * throws (a mistake in this program), and a failure afterwards cannot undo what is committed. If
 * the statement fails, PostgreSQL answers the COMMIT with a rollback and the statement's error is
 * thrown as usual. Kysely's own COMMIT (or ROLLBACK) that follows is answered at once.
 */
export function thenCommit(text: string): string {
  return text + THEN_COMMIT;
}

/**
 * The pg pool as Kysely sees it: sends the `runsPrepared` texts as named statements, bounds each
 * query's time once `limit.queryMs` is set, and turns a lost database into DependencyUnavailable
 * (503 `unavailable`, never a hang or a 500). A connection whose query failed that way is dropped,
 * not put back in the pool.
 */
function guardedPool(pool: pg.Pool, limit: { queryMs: number }): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  /** The time limit (ms) each connection's session has (limitsText); none: 0. */
  const limited = new WeakMap<pg.PoolClient, number>();
  /** A query with pg's own timeout, once one is set (`limitQueryTime`). */
  const bounded = (config: RunConfig) => (limit.queryMs > 0 ? withTimeout(config, limit.queryMs) : config);
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new DependencyUnavailable('database', err);
      }
      // A transaction's end that outlives pg's timeout would still commit when it ends, after the
      // caller was told the database did not answer: a statement with COMMIT queued behind it, or
      // a COMMIT whose deferred triggers (the versions, migrations 0045 and 0047) wait for the
      // workspace row. PostgreSQL's own limits, shorter than pg's, cancel either first and the
      // transaction rolls back. Set once a connection (at its first checkout once the limit is
      // known: migrations run before it), not sent with every transaction.
      const ms = limit.queryMs > 0 ? serverTimeoutMs(limit.queryMs) : 0;
      if ((limited.get(client) ?? 0) !== ms) {
        try {
          await client.query(bounded({ text: limitsText(ms) }) as pg.QueryConfig);
        } catch (err) {
          client.release(true);
          throw isConnectionFailure(err) ? new DependencyUnavailable('database', err) : err;
        }
        limited.set(client, ms);
      }
      let kc = wrapped.get(client);
      if (!kc) {
        const conn = client;
        let broken = false;
        // A connection that dies while checked out (between two queries of a transaction, say)
        // emits 'error' with no pool listener attached: noted here, it is dropped on release
        // instead of crashing the process.
        conn.on('error', () => {
          broken = true;
        });
        const run = async (config: RunConfig) => {
          // After a failure (say a timeout, the query still pending), nothing more on this connection:
          // not even the ROLLBACK, which would wait as long again.
          if (broken)
            throw new DependencyUnavailable('database', new Error('connection dropped after a failure'));
          try {
            // pg's own per-query timeout (its types do not list it).
            return await conn.query(bounded(config) as pg.QueryConfig);
          } catch (err) {
            // Cancelled by PostgreSQL's statement_timeout or lock_timeout (each connection's, set
            // above): the database did not answer in time, as with pg's own timeout; the connection
            // is fine.
            if (TIMED_OUT.has((err as { code?: unknown }).code as string))
              throw new DependencyUnavailable('database', err);
            if (!isConnectionFailure(err)) throw err;
            broken = true;
            throw new DependencyUnavailable('database', err);
          }
        };
        /** A `begin` sent but not yet waited for (see below). */
        let begun: Promise<unknown> | null = null;
        /** The transaction was committed with its last statement (`thenCommit`). */
        let committed = false;
        kc = {
          // biome-ignore lint/suspicious/noExplicitAny: forwards both of pg's query overloads
          query: ((text: any, values?: readonly unknown[]) => {
            if (typeof text !== 'string') return conn.query(text); // a cursor (streaming)
            if (committed) {
              committed = false;
              // Kysely ends the transaction the statement already ended.
              if (text === 'commit' || text === 'rollback') return Promise.resolve(ENDED[text]);
              return Promise.reject(
                new Error(`a statement after the transaction's last one (thenCommit): ${text.slice(0, 80)}`),
              );
            }
            if (text === 'begin' && !begun) {
              // Not waited for: with `pipeline` pg writes the transaction's first statement right
              // behind BEGIN, one round trip and one turn of the event loop fewer a transaction
              // (PostgreSQL invite + accept p50 6.14 -> 5.79 ms, five A/B pairs, 2026-12-05; without
              // `pipeline`, which waits for BEGIN's answer inside pg, no gain). BEGIN's failure is
              // reported by that statement (below); a BEGIN that fails leaves a connection that
              // cannot run the statement either (a timeout or a lost connection drops it).
              begun = run({ text });
              begun.catch(() => {});
              return Promise.resolve(BEGUN);
            }
            const name = preparedNames.get(text);
            const config: RunConfig = { text, values: values as unknown[] | undefined };
            if (name) config.name = name;
            if (arrayTexts.has(text)) config.rowMode = 'array';
            const last = text.endsWith(THEN_COMMIT);
            const statement = run(config);
            const answer = begun ? Promise.all([begun, statement]).then((both) => both[1]) : statement;
            begun = null;
            if (!last) return answer;
            // COMMIT right behind the statement; a failed statement's transaction is rolled back
            // by it (PostgreSQL answers ROLLBACK) and the statement's error is the one thrown.
            committed = true;
            return Promise.all([answer, run({ text: 'commit' })]).then((both) => both[0]);
          }) as PostgresPoolClient['query'],
          release: (destroy) => {
            committed = false;
            // A connection that timed out or broke may still be busy with its query: drop it.
            const drop = broken || destroy === true;
            broken = false;
            conn.release(drop);
          },
        };
        wrapped.set(client, kc);
      }
      return kc;
    },
    end: () => pool.end(),
  };
}

export interface PostgresOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /**
   * How long to wait for a connection, a new one or one from the pool, before failing with
   * DependencyUnavailable (default 10 s).
   */
  connectTimeoutMs?: number;
}

/** The `application_name` of the pool's connections. */
export const POOL_APPLICATION_NAME = 'troupe';

export function openPostgres(url: string, opts: PostgresOptions = {}): DataSource {
  const max = opts.max ?? 10;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // TCP keepalive: notice a database host that vanished (no FIN, no RST) on idle connections too.
    keepAlive: true,
    // How pg_stat_activity names the pool's connections (an `application_name` in the URL wins).
    application_name: POOL_APPLICATION_NAME,
    // Queries are written without waiting for the one before to be answered: a transaction's BEGIN
    // goes out with its first statement (guardedPool). Nothing else is sent ahead: every other
    // statement is awaited before the next, and portal-keeping queries (cursors) are not used.
    pipeline: true,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Nothing to do here.
  });
  const limit = { queryMs: 0 };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool, limit) }) });
  return {
    db,
    dialect: 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    limitQueryTime: (ms) => {
      limit.queryMs = ms;
    },
    close: () => db.destroy(),
  };
}

/**
 * PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole
 * and may simply run again. (Two transactions can lock the same workspace row and a member row in
 * opposite orders, e.g. a rename while the person is being removed; PostgreSQL picks one to abort.)
 */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

/**
 * Runs `fn` in one transaction: everything it writes lands together or not at all. A transaction
 * PostgreSQL aborted to break a deadlock is run again (up to 4 attempts, short random pauses), so
 * `fn` must do nothing outside the transaction that cannot be repeated. `opts.retryIf` names other
 * failures that mean "run again" (a race the caller's transaction lost, say); after the last
 * attempt the failure is thrown as it is.
 */
export async function inTransaction<T>(
  db: Db,
  fn: (tx: Tx) => Promise<T>,
  opts: { retryIf?: (err: unknown) => boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const again = (typeof code === 'string' && RETRYABLE.has(code)) || opts.retryIf?.(err) === true;
      if (attempt >= ATTEMPTS || !again) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
