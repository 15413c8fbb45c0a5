/**
 * The benchmark's diagnostics (docs/BENCHMARKS.md, "How to run"): the server log read by route
 * (`npm run bench:routes`), the PostgreSQL wait sampler (`npm run bench -- --pg-waits`), the
 * database CPU a measurement counts, and a CPU profile's samples by time (bench/profile-summary.ts).
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_APP, backendPids, samplePgWaits, startCpuMeter, withApplicationName } from '../bench/lib.ts';
import { type Profile, sampleTimes } from '../bench/profile-window.ts';
import { routeLatencies, routeOf } from '../bench/server-log.ts';
import { openPostgres } from '../src/data/db.ts';
import { scratchDatabase } from './harness.ts';

const line = (o: object) => JSON.stringify({ level: 30, time: 1, pid: 1, hostname: 'h', ...o });
const incoming = (reqId: string, method: string, url: string) =>
  line({ reqId, req: { method, url, remoteAddress: '127.0.0.1' }, msg: 'incoming request' });
const completed = (reqId: string, responseTime: number) =>
  line({ reqId, res: { statusCode: 200 }, responseTime, msg: 'request completed' });

describe('the server log by route', () => {
  it('names a route by its method and path, ids as :id, no query string', () => {
    expect(routeOf('GET', '/api/workspaces/01kbx5x2q9r6d0m8v7c3n4p5ta/items?view=shared&limit=50')).toBe(
      'GET /api/workspaces/:id/items',
    );
    expect(
      routeOf('PUT', '/api/items/01kbx5x2q9r6d0m8v7c3n4p5ta/grants/6oJmXkvrI4VZi5GQ1Rko5DA98lMK2eFu'),
    ).toBe('PUT /api/items/:id/grants/:id');
    expect(routeOf('GET', '/api/me')).toBe('GET /api/me');
  });

  it('splits the log at the marks and keeps each answered request under its route, in order of time', () => {
    const log = [
      'not json: a startup line',
      incoming('a', 'GET', '/api/me'),
      completed('a', 4),
      incoming('m1', 'GET', '/bench/mark/mixed-c50-r1'),
      completed('m1', 0.1),
      // Answered out of order, and one never answered (the load stopped): only answered ones count.
      incoming('b', 'GET', '/api/items/01kbx5x2q9r6d0m8v7c3n4p5ta'),
      incoming('c', 'GET', '/api/items/01kbx5x2q9r6d0m8v7c3n4p5tb'),
      incoming('d', 'PATCH', '/api/items/01kbx5x2q9r6d0m8v7c3n4p5tc'),
      completed('c', 9),
      completed('b', 3),
      line({ msg: 'a warning without a request' }),
      incoming('m2', 'GET', '/bench/mark/invite'),
      completed('d', 50), // started before the mark: still its own section's
      incoming('e', 'POST', '/api/invitations/…/accept'),
      completed('e', 7),
    ].join('\n');
    const sections = routeLatencies(log);
    expect(sections.map((s) => s.name)).toEqual(['(before the first mark)', 'mixed-c50-r1', 'invite']);
    expect([...(sections[0]?.byRoute ?? [])]).toEqual([['GET /api/me', [4]]]);
    // A request belongs where it was answered.
    expect([...(sections[1]?.byRoute ?? [])]).toEqual([['GET /api/items/:id', [3, 9]]]);
    expect([...(sections[2]?.byRoute ?? [])]).toEqual([
      ['PATCH /api/items/:id', [50]],
      ['POST /api/invitations/…/accept', [7]],
    ]);
  });
});

describe("a CPU profile's samples by time", () => {
  const frame = (functionName: string) => ({ functionName, url: '', lineNumber: 0, columnNumber: 0 });
  // Node 1 idle, 2 and 3 busy; one sample every 0.4 s: 2 at 0.4 s, idle at 0.8, 3 at 1.2, 1.6, 2.0,
  // idle at 2.4, 2 at 2.8 (a sample is at the sum of the deltas up to it).
  const profile: Profile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)') },
      { id: 2, callFrame: frame('a') },
      { id: 3, callFrame: frame('b') },
    ],
    samples: [2, 1, 3, 3, 3, 1, 2],
    timeDeltas: [400_000, 400_000, 400_000, 400_000, 400_000, 400_000, 400_000],
    startTime: 0,
    endTime: 2_800_000,
  };

  it('counts every sample without a window, and the busy time of each second', () => {
    const { selfUs, busyBySecond } = sampleTimes(profile);
    expect(Object.fromEntries(selfUs)).toEqual({ 1: 800_000, 2: 800_000, 3: 1_200_000 });
    expect(busyBySecond).toEqual([400_000, 800_000, 800_000]);
  });

  it('keeps only the samples between --from and --to', () => {
    const { selfUs } = sampleTimes(profile, { fromUs: 1_000_000, toUs: 2_000_000 });
    expect(Object.fromEntries(selfUs)).toEqual({ 3: 1_200_000 });
    expect(Object.fromEntries(sampleTimes(profile, { fromUs: 2_100_000 }).selfUs)).toEqual({
      1: 400_000,
      2: 400_000,
    });
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('the PostgreSQL wait sampler', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("sees only the product pool's connections: one waiting for a row lock (with its statement), one idle in a transaction", async () => {
    const scratch = await scratchDatabase('postgres');
    cleanups.push(scratch.drop);
    const data = openPostgres(scratch.url, { max: 3 });
    cleanups.push(() => data.close());
    await sql`create table r (id int primary key, n int)`.execute(data.db);
    await sql`insert into r values (1, 0)`.execute(data.db);

    // The holder takes the row and waits (idle in transaction); the other waits for the row.
    let release = () => {};
    const holding = new Promise<void>((ok) => {
      release = ok;
    });
    let locked = () => {};
    const hasLock = new Promise<void>((ok) => {
      locked = ok;
    });
    const holder = data.db.transaction().execute(async (tx) => {
      await sql`select * from r where id = 1 for update`.execute(tx);
      locked();
      await holding;
    });
    await hasLock;
    const waiter = sql`update r set n = n + 1 where id = 1`.execute(data.db);
    // A connection of another program on the same database is not the product's.
    const other = openPostgres(`${scratch.url}?application_name=someone-else`, { max: 1 });
    cleanups.push(() => other.close());
    await sql`select 1`.execute(other.db);

    const database = new URL(scratch.url).pathname.slice(1);
    // Sampled once the update is seen waiting.
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = ${database} and wait_event_type = 'Lock'`.execute(other.db);
      if (rows[0]?.n === 1) break;
      await new Promise((ok) => setTimeout(ok, 10));
    }
    const sampler = await samplePgWaits(process.env.TEST_DATABASE_URL as string, database, 10);
    await new Promise((ok) => setTimeout(ok, 300));
    const waits = await sampler.stop();
    release();
    await holder;
    await waiter;

    expect(waits.samples).toBeGreaterThan(3);
    expect(waits.connections).toBe(2);
    expect(waits.states).toEqual({ 'active Lock:transactionid': 0.5, 'idle in transaction': 0.5 });
    expect(Object.keys(waits.lockedStatements)).toEqual(['update r set n = n + 1 where id = 1']);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('the database CPU a measurement counts', () => {
  it("counts the database's backends but for the benchmark's own connections (named BENCH_APP)", async () => {
    const scratch = await scratchDatabase('postgres');
    const product = openPostgres(scratch.url, { max: 1 });
    const bench = openPostgres(withApplicationName(scratch.url, BENCH_APP), { max: 1 });
    try {
      await sql`select 1`.execute(product.db);
      await sql`select 1`.execute(bench.db);
      const database = new URL(scratch.url).pathname.slice(1);
      // About a second of CPU in the benchmark's backend, next to nothing in the product's.
      const busy = sql`select count(*) from generate_series(1, 5000000) g where g % 7 = 3`;
      const both = startCpuMeter(process.pid, database);
      const excluding = startCpuMeter(process.pid, database);
      await busy.execute(bench.db);
      await sql`select 1`.execute(product.db);
      const own = await backendPids(bench, BENCH_APP);
      expect(own.size).toBe(1);
      const all = both.perRequest(1).dbCpuUs ?? 0;
      const theirs = excluding.perRequest(1, own).dbCpuUs ?? Number.NaN;
      expect(all).toBeGreaterThan(200_000);
      expect(theirs).toBeLessThan(all / 4);
    } finally {
      await bench.close();
      await product.close();
      await scratch.drop();
    }
  });
});
