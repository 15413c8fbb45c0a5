import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  SqliteDialect,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or an open transaction: repositories accept both. */
export type Conn = Kysely<Database>;

export interface DataSource {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

// bigint (int8) columns hold epoch milliseconds: well inside Number's exact range.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export function openSqlite(path: string): DataSource {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver prepares every query it runs, and preparing (parsing and planning) costs
 * more than running a small indexed query. A statement can be run again, and Kysely runs one query
 * at a time on the connection, so each distinct SQL text is prepared once; beyond `max` texts the
 * least recently used is dropped.
 */
function withStatementCache(sqlite: SQLite.Database, max = 200): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

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

/** The pg pool as Kysely sees it, sending the `runsPrepared` texts as named statements. */
function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let kc = wrapped.get(client);
      if (!kc) {
        kc = {
          // biome-ignore lint/suspicious/noExplicitAny: forwards both of pg's query overloads
          query: ((text: any, values?: readonly unknown[]) => {
            const name = typeof text === 'string' ? preparedNames.get(text) : undefined;
            if (name) return client.query({ name, text, values: values as unknown[] });
            return values === undefined ? client.query(text) : client.query(text, values as unknown[]);
          }) as PostgresPoolClient['query'],
          release: (destroy) => client.release(destroy),
        };
        wrapped.set(client, kc);
      }
      return kc;
    },
    end: () => pool.end(),
  };
}

export function openPostgres(url: string, max = 10): DataSource {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Nothing to do here.
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
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
 * `fn` must do nothing outside the transaction that cannot be repeated.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
