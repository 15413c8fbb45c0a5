import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Conn, type DataSource, directRunner, openSqlite } from './db.ts';
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
