import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, scratchDatabase } from '../../test/harness.ts';
import { type Conn, type DataSource, directRunner, inTransaction, openPostgres, openSqlite } from './db.ts';
import { reusable, reusableWithList } from './reusable-query.ts';

/** Tables outside the product's schema: `t`, and `nowhere`, which is never created. */
const scratch = (conn: Conn) => conn as unknown as Kysely<{ t: { n: number }; nowhere: { id: string } }>;

// The SQLite shortcut of reusable(): a statement runs at once only while nobody holds the connection.
describe('reusable queries on SQLite', () => {
  let dir: string;
  let data: DataSource;
  const countAbove = reusable((conn: Conn, min: number) =>
    scratch(conn).selectFrom('t').select(sql<number>`count(*)`.as('c')).where('n', '>', min),
  );
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'troupe-reusable-'));
    data = openSqlite(join(dir, 'db.sqlite'));
    await sql`create table t (n integer)`.execute(data.db);
  });
  afterEach(async () => {
    await data.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs directly when the connection is free, and never inside a transaction', async () => {
    const direct = directRunner(data.db);
    expect(direct).toBeDefined();
    expect(direct?.('select 1 as one', [])?.rows).toEqual([{ one: 1 }]);
    await data.db.transaction().execute(async (tx) => {
      expect(directRunner(tx)).toBeUndefined();
      // Held by the transaction: the root database must queue through Kysely.
      expect(direct?.('select 1 as one', [])).toBeNull();
    });
    expect(direct?.('select 1 as one', [])).not.toBeNull();
  });

  it("waits for another request's transaction instead of reading its uncommitted rows", async () => {
    let release!: () => void;
    const gate = new Promise<void>((ok) => {
      release = ok;
    });
    let inserted!: () => void;
    const insertedYet = new Promise<void>((ok) => {
      inserted = ok;
    });
    const tx = data.db
      .transaction()
      .execute(async (t) => {
        await sql`insert into t (n) values (5)`.execute(t);
        inserted();
        await gate;
        throw new Error('roll back');
      })
      .catch(() => 'rolled back');
    await insertedYet;
    let answered = false;
    const read = countAbove(data.db, 0).then((r) => {
      answered = true;
      return r.rows[0];
    });
    await new Promise((ok) => setTimeout(ok, 20));
    expect(answered).toBe(false);
    release();
    expect(await tx).toBe('rolled back');
    expect(await read).toEqual({ c: 0 });
    expect((await countAbove(data.db, 0)).rows[0]).toEqual({ c: 0 });
  });

  it('compiles once for the database and all of its transactions, and runs in the transaction it is given', async () => {
    let builds = 0;
    const insert = reusable((conn: Conn, n: number) => {
      builds += 1;
      return scratch(conn).insertInto('t').values({ n });
    });
    await insert(data.db, 1);
    for (const n of [2, 3]) {
      await data.db
        .transaction()
        .execute(async (tx) => {
          await insert(tx, n);
          expect((await countAbove(tx, 0)).rows[0]).toEqual({ c: n });
          if (n === 3) throw new Error('roll back');
        })
        .catch(() => {});
    }
    expect(builds).toBe(1);
    // The rolled-back transaction's row is gone: the statement ran inside it, not beside it.
    expect((await countAbove(data.db, 0)).rows[0]).toEqual({ c: 2 });
  });

  it('answers rows as arrays whichever way it runs: at once, queued behind a transaction, inside one', async () => {
    const pairs = reusable(
      (conn: Conn, min: number) =>
        scratch(conn)
          .selectFrom('t')
          .select(['n', sql<number>`n * 10`.as('tens')])
          .where('n', '>', min)
          .orderBy('n'),
      { arrays: true },
    );
    await sql`insert into t (n) values (1), (2)`.execute(data.db);
    expect((await pairs(data.db, 0)).rows).toEqual([
      [1, 10],
      [2, 20],
    ]);
    let release!: () => void;
    const gate = new Promise<void>((ok) => {
      release = ok;
    });
    let started!: () => void;
    const startedYet = new Promise<void>((ok) => {
      started = ok;
    });
    const tx = data.db.transaction().execute(async (t) => {
      // Inside the transaction: through Kysely, rows turned into arrays.
      expect((await pairs(t, 1)).rows).toEqual([[2, 20]]);
      started();
      await gate;
    });
    await startedYet;
    // The connection is held: this one queues through Kysely too, and still answers arrays.
    const queued = pairs(data.db, 0);
    release();
    await tx;
    expect((await queued).rows).toEqual([
      [1, 10],
      [2, 20],
    ]);
  });

  it('compiles a list query once per list length, with the fixed arguments in their place', async () => {
    const lengths: number[] = [];
    const among = reusableWithList((conn: Conn, list: string[], min: number) => {
      lengths.push(list.length);
      return scratch(conn)
        .selectFrom('t')
        .select('n')
        .where(sql<boolean>`cast(n as text) in (${sql.join(list)})`)
        .where('n', '>', min)
        .orderBy('n');
    });
    await sql`insert into t (n) values (1), (2), (3), (4)`.execute(data.db);
    const ns = async (list: string[], min: number) => (await among(data.db, list, min)).rows.map((r) => r.n);
    expect(await ns(['1', '3'], 0)).toEqual([1, 3]);
    expect(await ns(['2', '4'], 2)).toEqual([4]);
    expect(await ns(['1', '2', '4'], 1)).toEqual([2, 4]);
    expect(await ns(['4'], 0)).toEqual([4]);
    expect(await ns(['1', '4'], 0)).toEqual([1, 4]);
    expect(lengths).toEqual([2, 3, 1]);
  });

  it('fails with a rejected promise, not a synchronous throw', async () => {
    const missing = reusable((conn: Conn, id: string) =>
      scratch(conn).selectFrom('nowhere').selectAll().where('id', '=', id),
    );
    const result = missing(data.db, 'x');
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow(/no such table/);
  });
});

// `page: true`: on PostgreSQL the rows come back as one JSON text; on SQLite as they are.
describe.each(dialects)('reusable page queries (%s)', (dialect) => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let data: DataSource;
  type Row = { id: string; n: number; at: number; note: string | null };
  const tables = (conn: Conn) => conn as unknown as Kysely<{ r: Row }>;
  /** One query, run as a page and as plain rows (arrays), to compare the two. */
  const build = (conn: Conn, min: number, limit: number) =>
    tables(conn)
      .selectFrom('r')
      .select(['id', 'n', 'at', sql<string | null>`note`.as('remark')])
      .where('n', '>=', min)
      .orderBy('n', 'desc')
      .orderBy('id')
      .limit(limit);
  const page = reusable(build, { page: true });
  const plain = reusable(build, { arrays: true });
  beforeEach(async () => {
    db = await scratchDatabase(dialect);
    data =
      dialect === 'sqlite' ? openSqlite(db.url.slice('sqlite:'.length)) : openPostgres(db.url, { max: 2 });
    await sql`create table r (id varchar(20) primary key, n integer not null, at bigint not null, note text)`.execute(
      data.db,
    );
    const notes = ['plain', 'with "quotes" and \\ backslash', 'ünïcödé ✓ 🎬', null, 'tab\there\nnewline'];
    for (let i = 0; i < 60; i++) {
      await sql`insert into r (id, n, at, note) values (${`id-${String(i).padStart(2, '0')}`}, ${i % 7}, ${1796427051163 + i}, ${notes[i % notes.length]})`.execute(
        data.db,
      );
    }
  });
  afterEach(async () => {
    await data.close();
    await db.drop();
  });

  it('answers the same rows, in the same order, as arrays of the selected values', async () => {
    for (const [min, limit] of [
      [0, 51],
      [3, 10],
      [6, 100],
    ] as const) {
      const expected = (await plain(data.db, min, limit)).rows as unknown as unknown[][];
      const rows = (await page(data.db, min, limit)).rows as unknown as unknown[][];
      // bigint comes back from pg as a string, as a number from JSON: compared as numbers.
      const norm = (r: unknown[]) => [r[0], Number(r[1]), Number(r[2]), r[3]];
      expect(rows.map(norm)).toEqual(expected.map(norm));
      const matching = [...Array(60).keys()].filter((i) => i % 7 >= min).length;
      expect(rows.length).toBe(Math.min(limit, matching));
    }
    const [first] = (await page(data.db, 0, 1)).rows as unknown as unknown[][];
    expect(first).toEqual(['id-06', 6, 1796427051169, 'with "quotes" and \\ backslash']);
  });

  it('answers no rows as an empty list, inside a transaction too', async () => {
    expect((await page(data.db, 7, 10)).rows).toEqual([]);
    await inTransaction(data.db, async (tx) => {
      await sql`delete from r where n = 6`.execute(tx);
      expect(((await page(tx, 6, 10)).rows as unknown[]).length).toBe(0);
    });
  });

  it.runIf(dialect === 'postgres')('refuses a selection without a name of its own', async () => {
    const unnamed = reusable(
      (conn: Conn, min: number) =>
        tables(conn)
          .selectFrom('r')
          .select(['id', sql<number>`n + 1`.as('id')])
          .where('n', '>=', min),
      { page: true },
    );
    await expect(unnamed(data.db, 0)).rejects.toThrow(/a name of its own/);
  });
});
