import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scratchDatabase } from '../../test/harness.ts';
import { DependencyUnavailable } from '../domain/errors.ts';
import {
  type Conn,
  type DataSource,
  inTransaction,
  isConnectionFailure,
  openPostgres,
  openSqlite,
  POOL_APPLICATION_NAME,
  runsAsArrays,
  runsPrepared,
  thenCommit,
  unboundLimits,
} from './db.ts';
import { FALLBACK_CHECKPOINT_PAGES } from './sqlite-checkpointer.ts';
import { keptCount } from './sqlite-keep.ts';

describe('inTransaction', () => {
  let dir: string;
  let data: DataSource;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'troupe-db-'));
    data = openSqlite(join(dir, 'db.sqlite'));
    await sql`create table t (n integer)`.execute(data.db);
  });
  afterEach(async () => {
    await data.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const rows = async () => (await sql<{ n: number }>`select n from t order by n`.execute(data.db)).rows;
  const failure = (code: string) => Object.assign(new Error(code), { code });

  it('runs a transaction PostgreSQL aborted for a deadlock again, with nothing of the failed try left', async () => {
    let calls = 0;
    const result = await inTransaction(data.db, async (tx) => {
      calls++;
      await sql`insert into t (n) values (${calls})`.execute(tx);
      if (calls === 1) throw failure('40P01');
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(2);
    expect(await rows()).toEqual([{ n: 2 }]);
  });

  it('gives up after four attempts, and never retries other errors', async () => {
    let calls = 0;
    await expect(
      inTransaction(data.db, async () => {
        calls++;
        throw failure('40001');
      }),
    ).rejects.toThrow('40001');
    expect(calls).toBe(4);

    calls = 0;
    await expect(
      inTransaction(data.db, async (tx) => {
        calls++;
        await sql`insert into t (n) values (1)`.execute(tx);
        throw failure('23505');
      }),
    ).rejects.toThrow('23505');
    expect(calls).toBe(1);
    expect(await rows()).toEqual([]);
  });

  it('runs again for the failures retryIf names, up to four attempts, then throws the failure as it is', async () => {
    class Lost extends Error {}
    let calls = 0;
    const result = await inTransaction(
      data.db,
      async (tx) => {
        calls++;
        await sql`insert into t (n) values (${calls})`.execute(tx);
        if (calls < 3) throw new Lost('lost');
        return 'third time';
      },
      { retryIf: (err) => err instanceof Lost },
    );
    expect(result).toBe('third time');
    expect(await rows()).toEqual([{ n: 3 }]);

    calls = 0;
    const lost = new Lost('always');
    await expect(
      inTransaction(
        data.db,
        async (tx) => {
          calls++;
          await sql`insert into t (n) values (${10 + calls})`.execute(tx);
          throw lost;
        },
        { retryIf: (err) => err instanceof Lost },
      ),
    ).rejects.toBe(lost);
    expect(calls).toBe(4);
    expect(await rows()).toEqual([{ n: 3 }]);

    // Not named: thrown at once.
    calls = 0;
    await expect(
      inTransaction(
        data.db,
        async () => {
          calls++;
          throw new Error('other');
        },
        { retryIf: (err) => err instanceof Lost },
      ),
    ).rejects.toThrow('other');
    expect(calls).toBe(1);
  });
});

/** One PRAGMA's value on the connection. */
async function pragma(data: DataSource, name: string): Promise<unknown> {
  return Object.values(
    (await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(data.db)).rows[0] ?? {},
  )[0];
}

/** A new SQLite database in a scratch directory for the length of `fn`, then closed and removed. */
async function withScratchSqlite(fn: (data: DataSource) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-db-'));
  const data = openSqlite(join(dir, 'db.sqlite'));
  try {
    await fn(data);
  } finally {
    await data.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('isConnectionFailure', () => {
  const failure = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('is a lost or refused connection, a timeout, a shutdown or too many connections', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      '08006',
      '08001',
      '57P01',
      '57P03',
      '53300',
    ])
      expect(isConnectionFailure(failure(code)), code).toBe(true);
    expect(isConnectionFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionFailure(new Error('Query read timeout'))).toBe(true);
  });

  it("is not the query's own failure: a constraint, a syntax error, a protocol violation (a wrong bind)", () => {
    for (const code of ['23505', '42601', '40P01', '08P01'])
      expect(isConnectionFailure(failure(code)), code).toBe(false);
    expect(isConnectionFailure(new Error('boom'))).toBe(false);
    expect(isConnectionFailure('08006')).toBe(false);
  });

  const url = process.env.TEST_DATABASE_URL;
  it.skipIf(!url)(
    'PostgreSQL: a prepared statement bound with too few parameters fails as itself, not as "database not answering"',
    async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const text = 'select $1::int + $2::int as n';
        await client.query({ name: 'two_params', text, values: [1, 2] });
        // pg sends the bind as it is; PostgreSQL refuses it with 08P01.
        const err = await client
          .query({ name: 'two_params', text, values: [1] })
          .then(() => null)
          .catch((e: unknown) => e);
        expect((err as { code?: string }).code).toBe('08P01');
        expect(isConnectionFailure(err)).toBe(false);
        // The connection still answers: the failure was the message's, not the database's.
        expect((await client.query('select 1 as n')).rows).toEqual([{ n: 1 }]);
      } finally {
        await client.end();
      }
    },
  );
});

describe('openSqlite', () => {
  // Foreign keys on and a 5 s busy timeout are also better-sqlite3's defaults; WAL and NORMAL are not.
  // temp_store = MEMORY keeps statement journals and sort B-trees in memory.
  it('keeps a closed connection and its statements reachable, never collected (Node 24 aborts on that: sqlite-keep.ts)', async () => {
    const before = keptCount();
    let statements = 0;
    await withScratchSqlite(async (data) => {
      await sql`CREATE TABLE t (id INTEGER PRIMARY KEY)`.execute(data.db);
      await sql`SELECT id FROM t`.execute(data.db);
      statements = 2;
      expect(keptCount()).toBe(before); // nothing while it is open
    });
    // The connection and each statement of its cache.
    expect(keptCount()).toBe(before + 1 + statements);
  });

  it('sets WAL, foreign keys, a busy timeout, synchronous=NORMAL and temp_store=MEMORY on the connection', async () => {
    await withScratchSqlite(async (data) => {
      const one = (name: string) => pragma(data, name);
      expect(await one('journal_mode')).toBe('wal');
      expect(await one('foreign_keys')).toBe(1);
      expect(await one('busy_timeout')).toBe(5000);
      expect(await one('synchronous')).toBe(1); // NORMAL
      expect(await one('temp_store')).toBe(2); // MEMORY
    });
  });

  it('gathers statistics once an hour (PRAGMA optimize), between queries, for tables that grew', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await withScratchSqlite(async (data) => {
        await sql`create table t (n integer, m integer)`.execute(data.db);
        await sql`create index t_n on t (n)`.execute(data.db);
        await sql`insert into t (n, m) select value, value % 7 from json_each(${JSON.stringify(Array.from({ length: 2000 }, (_, i) => i))})`.execute(
          data.db,
        );
        const stats = async () =>
          (
            await sql<{
              tbl: string;
            }>`select tbl from sqlite_master m, sqlite_stat1 s where m.name = 'sqlite_stat1' and s.tbl = 't'`
              .execute(data.db)
              .catch(() => ({ rows: [] }))
          ).rows;
        expect(await stats()).toEqual([]);
        vi.advanceTimersByTime(59 * 60 * 1000);
        expect(await stats()).toEqual([]);
        vi.advanceTimersByTime(60 * 1000);
        expect((await stats()).length).toBeGreaterThan(0);
      });
    } finally {
      vi.useRealTimers();
    }
  });

  // A bare `LIMIT ?` makes SQLite prepare the statement again on every run (db.ts, unboundLimits).
  it('writes LIMIT and OFFSET parameters as expressions, with the same rows', async () => {
    expect(unboundLimits('select a from t order by a limit ? offset ?')).toBe(
      'select a from t order by a limit +? offset +?',
    );
    expect(unboundLimits('select * from (select a from t LIMIT ?) s where b = ? limit ?')).toBe(
      'select * from (select a from t LIMIT +?) s where b = ? limit +?',
    );
    expect(unboundLimits('select limit_at from t where n = ?')).toBe('select limit_at from t where n = ?');
    await withScratchSqlite(async (data) => {
      await sql`create table t (n integer)`.execute(data.db);
      await sql`insert into t (n) select value from json_each('[5,1,4,2,3]')`.execute(data.db);
      const page = (limit: number, offset: number) =>
        data.db
          .selectFrom('t' as never)
          .select(sql<number>`n`.as('n'))
          .orderBy(sql`n`)
          .limit(limit)
          .offset(offset)
          .execute();
      expect((await page(2, 1)).map((r) => r.n)).toEqual([2, 3]);
      expect((await page(3, 0)).map((r) => r.n)).toEqual([1, 2, 3]);
      const nested = await data.db
        .selectFrom((q) =>
          q
            .selectFrom('t' as never)
            .select(sql<number>`n`.as('n'))
            .orderBy(sql`n`, 'desc')
            .limit(2)
            .as('s'),
        )
        .select('s.n')
        .execute();
      expect(nested.map((r) => r.n)).toEqual([5, 4]);
    });
  });

  it('checkpoints the WAL from a worker thread, not inside the commits of this connection, and removes the WAL when closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-db-'));
    const file = join(dir, 'db.sqlite');
    const data = openSqlite(file);
    try {
      const one = (name: string) => pragma(data, name);
      expect(await one('wal_autocheckpoint')).toBe(FALLBACK_CHECKPOINT_PAGES);
      await sql`create table t (b blob)`.execute(data.db);
      const before = statSync(file).size;
      // About 2 MB (500 pages): under the fallback threshold, so this connection never checkpoints.
      await sql`insert into t (b) select randomblob(4000) from json_each(${JSON.stringify(Array.from({ length: 500 }, (_, i) => i))})`.execute(
        data.db,
      );
      expect(statSync(file).size).toBe(before);
      const deadline = Date.now() + 10_000;
      while (statSync(file).size < before + 2_000_000 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(statSync(file).size).toBeGreaterThanOrEqual(before + 2_000_000);
    } finally {
      await data.close();
    }
    // The worker's connection closed first: this one was the last, so the WAL is gone.
    expect(existsSync(`${file}-wal`)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});

// BEGIN is written with the transaction's first statement (pg's pipeline mode, guardedPool).
describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL transactions', () => {
  let data: DataSource;
  let drop: () => Promise<void>;
  let url: string;
  beforeEach(async () => {
    const scratch = await scratchDatabase('postgres');
    drop = scratch.drop;
    url = scratch.url;
    data = openPostgres(scratch.url, { max: 2 });
    await sql`create table t (n integer)`.execute(data.db);
  });
  afterEach(async () => {
    await data.close();
    await drop();
  });
  const now = async (conn: Conn) =>
    (await sql<{ t: string }>`select now()::text as t`.execute(conn)).rows[0]?.t;
  const pause = (conn: Conn) => sql`select pg_sleep(0.02)`.execute(conn);
  const count = async () =>
    Number((await sql<{ c: string }>`select count(*) as c from t`.execute(data.db)).rows[0]?.c);

  it('names its connections in pg_stat_activity (application_name), unless the URL names them', async () => {
    const nameOf = async (conn: Conn) =>
      (await sql<{ n: string }>`select current_setting('application_name') as n`.execute(conn)).rows[0]?.n;
    expect(await nameOf(data.db)).toBe(POOL_APPLICATION_NAME);
    const named = new URL(url);
    named.searchParams.set('application_name', 'worker-7');
    const other = openPostgres(named.toString(), { max: 1 });
    try {
      expect(await nameOf(other.db)).toBe('worker-7');
    } finally {
      await other.close();
    }
  });

  it("answers every query as pg's own client does: rows as objects or arrays, parsed types, errors with their code", async () => {
    const text =
      "select 1::int as i, 9007199254740993::bigint as b, 't'::boolean as f, '2026-12-06 07:00:00.5+00'::timestamptz as ts, 'x'::text as s, null::text as z, 1.5::float8 as r";
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    try {
      const expectedObjects = (await plain.query(text)).rows;
      const expectedArrays = (await plain.query({ text, rowMode: 'array' })).rows;
      expect((await sql.raw(text).execute(data.db)).rows).toEqual(expectedObjects);
      // As a reusable query would run it: a named prepared statement answering arrays, with a time limit.
      const named = `${text} -- named, as arrays`;
      runsPrepared(named);
      runsAsArrays(named);
      data.limitQueryTime(5_000);
      for (let i = 0; i < 3; i++) {
        expect((await sql.raw(named).execute(data.db)).rows).toEqual(expectedArrays);
        // With values (unnamed, as objects): the one that matches answers the row, the other none.
        const where = (v: number) =>
          data.db.executeQuery(CompiledQuery.raw(`${text} where $1::int = 1`, [v]));
        expect((await where(1)).rows).toEqual(expectedObjects);
        expect((await where(2)).rows).toEqual([]);
      }
      expect(expectedArrays[0]?.[3]).toBeInstanceOf(Date);
      // A statement's error keeps PostgreSQL's code and constraint.
      await sql`create table u (n integer constraint u_n_positive check (n > 0))`.execute(data.db);
      await expect(sql`insert into u (n) values (${-1})`.execute(data.db)).rejects.toMatchObject({
        code: '23514',
        constraint: 'u_n_positive',
      });
    } finally {
      await plain.end();
    }
  });

  it('runs the first statement inside the transaction', async () => {
    // Outside a transaction each statement is its own: their now() differ.
    const a = await now(data.db);
    await pause(data.db);
    expect(await now(data.db)).not.toBe(a);
    // Inside one, the first statement's now() is the transaction's.
    await inTransaction(data.db, async (tx) => {
      const first = await now(tx);
      await pause(tx);
      expect(await now(tx)).toBe(first);
    });
    // And a rollback takes the first statement's write back.
    await expect(
      inTransaction(data.db, async (tx) => {
        await sql`insert into t (n) values (1)`.execute(tx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await count()).toBe(0);
  });

  it('reports a failing first statement as itself, and the connection serves the next transaction', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(
        inTransaction(data.db, async (tx) => {
          await sql`insert into nowhere (n) values (1)`.execute(tx);
        }),
      ).rejects.toMatchObject({ code: '42P01' });
      await inTransaction(data.db, async (tx) => {
        await sql`insert into t (n) values (${i})`.execute(tx);
      });
    }
    expect(await count()).toBe(3);
  });

  // A transaction's last statement can carry its COMMIT (thenCommit, guardedPool).
  const insertThenCommit = (conn: Conn, n: number, table = 't') =>
    conn.executeQuery(CompiledQuery.raw(thenCommit(`insert into ${table} (n) values ($1)`), [n]));

  it('commits with a last statement written thenCommit: seen by others as soon as it is answered', async () => {
    for (let i = 0; i < 2; i++) {
      await inTransaction(data.db, async (tx) => {
        await insertThenCommit(tx, i);
        // Another connection sees the row before the callback returns: the COMMIT went with it.
        expect(await count()).toBe(i + 1);
      });
    }
    // A statement after it is refused (the transaction is over); what it committed stays.
    await expect(
      inTransaction(data.db, async (tx) => {
        await insertThenCommit(tx, 9);
        await sql`insert into t (n) values (10)`.execute(tx);
      }),
    ).rejects.toThrow("a statement after the transaction's last one");
    expect(await count()).toBe(3);
    // The connections serve ordinary transactions after it.
    for (let i = 0; i < 3; i++) {
      await inTransaction(data.db, async (tx) => {
        await sql`insert into t (n) values (${i})`.execute(tx);
      });
    }
    expect(await count()).toBe(6);
  });

  it('commits nothing of a last statement that outlives the query timeout: the caller is told so (503)', async () => {
    data.limitQueryTime(300);
    await expect(
      inTransaction(data.db, async (tx) => {
        await tx.executeQuery(
          CompiledQuery.raw(thenCommit('insert into t (n) select 1 from pg_sleep(0.6)'), []),
        );
      }),
    ).rejects.toBeInstanceOf(DependencyUnavailable);
    // Past the statement's own end: PostgreSQL cancelled it, so the COMMIT sent behind it rolled back.
    await new Promise((r) => setTimeout(r, 800));
    expect(await count()).toBe(0);
    // The connections serve the next transaction.
    await inTransaction(data.db, async (tx) => {
      await insertThenCommit(tx, 1);
    });
    expect(await count()).toBe(1);
  });

  it('commits nothing when a plain COMMIT waits past the query timeout for a row a deferred trigger updates: 503', async () => {
    // A deferred trigger runs in the COMMIT and updates one row, as the items version's does
    // (migration 0045); another transaction holds that row.
    await sql`create table w (id integer primary key, v integer not null)`.execute(data.db);
    await sql`insert into w values (1, 0)`.execute(data.db);
    await sql`create function bump_w() returns trigger language plpgsql as $$
      begin update w set v = v + 1 where id = 1; return null; end $$`.execute(data.db);
    await sql`create constraint trigger t_bump after insert on t deferrable initially deferred
      for each row execute function bump_w()`.execute(data.db);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from w where id = 1 for update');
      data.limitQueryTime(300);
      await expect(
        inTransaction(data.db, async (tx) => {
          await sql`insert into t (n) values (1)`.execute(tx);
        }),
      ).rejects.toBeInstanceOf(DependencyUnavailable);
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(await count()).toBe(0);
    // Once the row is free, the same transaction commits (and the connections still serve).
    await inTransaction(data.db, async (tx) => {
      await sql`insert into t (n) values (2)`.execute(tx);
    });
    expect(await count()).toBe(1);
  });

  it("gives each connection PostgreSQL's own time limits once the query timeout is set, and PostgreSQL cancels a slow statement first", async () => {
    const limits = async () =>
      (
        await sql<{
          s: string;
          l: string;
        }>`select current_setting('statement_timeout') as s, current_setting('lock_timeout') as l`.execute(
          data.db,
        )
      ).rows[0];
    // Before the limit is known (startup's migrations run then): none.
    expect(await limits()).toEqual({ s: '0', l: '0' });
    data.limitQueryTime(300);
    // Each of the pool's two connections, both checked out at once: its limit and its backend.
    const eachConnection = () =>
      Promise.all(
        [0, 1].map(() =>
          inTransaction(data.db, async (tx) => {
            await pause(tx);
            return (
              await sql<{
                s: string;
                p: number;
              }>`select current_setting('statement_timeout') as s, pg_backend_pid() as p`.execute(tx)
            ).rows[0];
          }),
        ),
      );
    // On every connection, for the session.
    const both = await eachConnection();
    expect(both.map((r) => r?.s)).toEqual(['240ms', '240ms']);
    expect(both[0]?.p).not.toBe(both[1]?.p);
    expect(await limits()).toEqual({ s: '240ms', l: '240ms' });
    // A slow statement outside any transaction: cancelled by PostgreSQL (57014), before pg's own
    // timeout, so the connection is kept (the same backends answer next).
    const pids = async () => new Set((await eachConnection()).map((r) => r?.p));
    const before = await pids();
    const slow = sql`select pg_sleep(0.6)`.execute(data.db);
    await expect(slow).rejects.toBeInstanceOf(DependencyUnavailable);
    await expect(slow).rejects.toMatchObject({ cause: { code: '57014' } });
    expect(await pids()).toEqual(before);
    // Turned off again: the connections follow.
    data.limitQueryTime(0);
    expect(await limits()).toEqual({ s: '0', l: '0' });
  });

  it('reports a failing last statement as itself, with nothing of its transaction kept', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(
        inTransaction(data.db, async (tx) => {
          await sql`insert into t (n) values (1)`.execute(tx);
          await insertThenCommit(tx, 2, 'nowhere');
        }),
      ).rejects.toMatchObject({ code: '42P01' });
      expect(await count()).toBe(0);
    }
    await inTransaction(data.db, async (tx) => {
      await insertThenCommit(tx, 1);
    });
    expect(await count()).toBe(1);
  });
});
