/**
 * `npm run bench`: GET /api/me against a one-primary-key-select baseline route, on SQLite and on
 * PostgreSQL. For each dialect: a scratch database, one server child process
 * (`node --import tsx bench/server.ts`), a real user with two workspaces, a warm-up, then
 * autocannon from this process at 50 and at 1 connection(s), baseline and /api/me back to back.
 * Prints a table and writes bench/results/latest.json. Loopback only; the child is killed by PID
 * and the scratch database removed, whatever happens. Shared parts are in bench/lib.ts.
 *
 * Options (flag, or env):
 *   --dialect sqlite|postgres|both   BENCH_DIALECT      (default both)
 *   --duration <s>                   BENCH_DURATION     per measurement (default 10)
 *   --warmup <s>                     BENCH_WARMUP       per route, at 50 connections (default 3)
 *   --rounds <n>                     BENCH_ROUNDS       repeats of each measurement, order alternating;
 *                                                       the median is reported (default 3)
 *   --connections <a,b>              BENCH_CONNECTIONS  (default 50,1)
 *   --routes <list>                  BENCH_ROUTES       baseline,me (default), or one of them (profiling)
 *   --pg-admin-url <url>             BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test);
 *                                                       only used to CREATE/DROP troupe_bench_<random>
 *   --cpu-prof                       BENCH_CPU_PROF=1   run the server with --cpu-prof; profiles go to
 *                                                       bench/results/profiles/
 *   --out <file>                     BENCH_OUT          (default bench/results/latest.json)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkClean,
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  describeMeasurement,
  dialectsOption,
  interrupted,
  type Measurement as LibMeasurement,
  machineInfo,
  measure,
  measureWithCpu,
  median,
  positiveNumber,
  printTable as printRows,
  resultsDir,
  round3,
  type Server,
  scratchDatabase,
  signUp,
  startServer,
  stopServer,
} from './lib.ts';

type RouteName = 'baseline' | 'me';
type Measurement = LibMeasurement<RouteName>;

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    routes: { type: 'string' },
    'pg-admin-url': { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    out: { type: 'string' },
  },
  strict: true,
});

const env = process.env;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  durationS: positiveNumber('--duration', flags.duration ?? env.BENCH_DURATION, 10, 300),
  warmupS: positiveNumber('--warmup', flags.warmup ?? env.BENCH_WARMUP, 3, 60),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 3, 10)),
  connections: (flags.connections ?? env.BENCH_CONNECTIONS ?? '50,1')
    .split(',')
    .map((c) => Math.round(positiveNumber('--connections', c.trim(), 1, 500))),
  routes: (flags.routes ?? env.BENCH_ROUTES ?? 'baseline,me').split(',').map((r) => r.trim()) as RouteName[],
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  cpuProf: flags['cpu-prof'] ?? env.BENCH_CPU_PROF === '1',
  out: resolve(flags.out ?? env.BENCH_OUT ?? join(resultsDir, 'latest.json')),
};
if (options.routes.length === 0 || options.routes.some((r) => r !== 'baseline' && r !== 'me'))
  throw new Error('--routes: baseline, me or baseline,me');
const THRESHOLD = 0.7;

// ---------------------------------------------------------------------------------------------
// Data: a real user through the real sign-up route, and two workspaces.

async function prepareData(server: Server): Promise<{ cookie: string; workspaceId: string }> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const { cookie } = await signUp(server, { email, name: 'Bench User' });
  const ids: string[] = [];
  for (const name of ['Bench Studio', 'Bench Agency']) ids.push(await createWorkspace(server, cookie, name));
  const workspaceId = ids[0] as string;
  const base = server.base;

  // Both routes answer what they should before anything is measured.
  const me = await fetch(`${base}/api/me`, { headers: { cookie } });
  const meBody = (await me.json()) as { email?: string; workspaces?: unknown[] };
  if (me.status !== 200 || meBody.email !== email || meBody.workspaces?.length !== 2)
    throw new Error(`GET /api/me is not right: ${me.status} ${JSON.stringify(meBody)}`);
  const baseline = await fetch(`${base}/bench/baseline/${workspaceId}`, { headers: { cookie } });
  const baselineBody = (await baseline.json()) as { id?: string };
  if (baseline.status !== 200 || baselineBody.id !== workspaceId)
    throw new Error(`GET /bench/baseline is not right: ${baseline.status} ${JSON.stringify(baselineBody)}`);
  return { cookie, workspaceId };
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface DialectResult {
  dialect: DialectName;
  database: string;
  serverPid: number;
  user: { workspaces: number };
  measurements: Measurement[];
  /** Per connection count: each route's median round (by req/s), and the ratios. */
  summary: {
    connections: number;
    baseline: Measurement | null;
    me: Measurement | null;
    /** Median over rounds of (/api/me req/s ÷ baseline req/s in the same round). */
    ratio: number | null;
    roundRatios: number[];
    /** Baseline ÷ /api/me CPU per request (server + PostgreSQL backends; median over rounds). */
    cpuRatio: number | null;
  }[];
  ratioAt50: number | null;
  meetsThreshold: boolean | null;
}

async function benchDialect(dialect: DialectName): Promise<DialectResult> {
  const db = await scratchDatabase(dialect, options.pgAdminUrl);
  const server = await startServer(dialect, db, {
    cpuProf: options.cpuProf,
    // Twice the plan.
    maxSeconds:
      120 +
      2 *
        (2 * options.warmupS +
          options.connections.length * options.routes.length * options.rounds * (options.durationS + 1)),
  });
  const { child, pid, base } = server;
  const { cookie, workspaceId } = await prepareData(server);
  const paths: Record<RouteName, string> = { baseline: `/bench/baseline/${workspaceId}`, me: '/api/me' };
  console.log(`\n${dialect}: server pid ${pid} on ${base}, database ${db.label}`);

  const warmupConnections = Math.max(...options.connections);
  for (const route of options.routes) {
    console.log(`  warm-up ${paths[route]} (${options.warmupS} s, ${warmupConnections} connections)`);
    checkClean(
      await measure(base + paths[route], cookie, warmupConnections, options.warmupS),
      `warm-up ${route}`,
    );
  }

  const measurements: Measurement[] = [];
  for (const connections of options.connections) {
    for (let round = 1; round <= options.rounds; round++) {
      // Back to back; the order alternates between rounds so neither route always goes first.
      const order = round % 2 === 1 ? options.routes : [...options.routes].reverse();
      for (const route of order) {
        if (interrupted()) throw new Error('interrupted');
        const m = await measureWithCpu(server, db, {
          route,
          path: paths[route],
          round,
          cookie,
          connections,
          durationS: options.durationS,
        });
        measurements.push(m);
        console.log(describeMeasurement(m));
      }
    }
  }

  await stopServer(child);
  if (child.exitCode !== 0)
    console.error(`  server exited with code ${child.exitCode} (${child.signalCode ?? ''})`);

  const summary = options.connections.map((connections) => {
    const pick = (route: RouteName) => {
      const runs = measurements.filter((m) => m.route === route && m.connections === connections);
      return runs.length ? median(runs, (m) => m.requestsPerSec) : null;
    };
    const baseline = pick('baseline');
    const me = pick('me');
    // Each round's pair ran back to back, so its ratio saw the same machine; the reported ratio is
    // the median of the rounds' ratios (with one round: that round's).
    const roundRatios: number[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const of = (route: RouteName) =>
        measurements.find((m) => m.route === route && m.connections === connections && m.round === round);
      const b = of('baseline');
      const x = of('me');
      if (b && x) roundRatios.push(round3(x.requestsPerSec / b.requestsPerSec));
    }
    const ratio = roundRatios.length ? median(roundRatios, (r) => r) : null;
    // CPU per request (server process + PostgreSQL backends) moves much less than req/s when other
    // work shares the machine: baseline ÷ /api/me is the throughput ratio a CPU-bound box would reach.
    const cpuOf = (route: RouteName) => {
      const runs = measurements.filter(
        (m) => m.route === route && m.connections === connections && m.serverCpuUsPerRequest !== null,
      );
      if (!runs.length) return null;
      const total = (m: Measurement) => (m.serverCpuUsPerRequest ?? 0) + (m.dbCpuUsPerRequest ?? 0);
      return total(median(runs, total));
    };
    const cpuBaseline = cpuOf('baseline');
    const cpuMe = cpuOf('me');
    const cpuRatio = cpuBaseline && cpuMe ? round3(cpuBaseline / cpuMe) : null;
    return { connections, baseline, me, ratio, roundRatios, cpuRatio };
  });
  const at50 = summary.find((s) => s.connections === 50)?.ratio ?? null;
  return {
    dialect,
    database: dialect === 'sqlite' ? 'SQLite (better-sqlite3, WAL)' : 'PostgreSQL (pg pool, max 10)',
    serverPid: pid,
    user: { workspaces: 2 },
    measurements,
    summary,
    ratioAt50: at50,
    meetsThreshold: at50 === null ? null : at50 >= THRESHOLD,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function printTable(results: DialectResult[]) {
  const rows: string[][] = [
    [
      'database',
      'conns',
      'route',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'CPU µs/req (server + db)',
      '/api/me ÷ baseline',
    ],
  ];
  for (const r of results) {
    for (const s of r.summary) {
      for (const m of [s.baseline, s.me]) {
        if (!m) continue;
        rows.push([
          r.dialect,
          String(s.connections),
          m.path.startsWith('/bench') ? 'GET /bench/baseline/:id' : 'GET /api/me',
          String(m.requestsPerSec),
          m.latencyMs.p50.toFixed(3),
          m.latencyMs.p95.toFixed(3),
          m.latencyMs.p99.toFixed(3),
          `${m.serverCpuUsPerRequest ?? '?'}${m.dbCpuUsPerRequest !== null ? ` + ${m.dbCpuUsPerRequest}` : ''}`,
          m === s.me && s.ratio !== null ? `${s.ratio.toFixed(3)}x` : '',
        ]);
      }
    }
  }
  printRows(rows, 3);
  for (const r of results) {
    if (r.ratioAt50 === null) continue;
    const at50 = r.summary.find((s) => s.connections === 50);
    console.log(
      `${r.dialect}: /api/me at 50 connections = ${r.ratioAt50.toFixed(3)}x baseline ` +
        `(target ≥ ${THRESHOLD}x): ${r.meetsThreshold ? 'met' : 'NOT met'}` +
        (at50 && at50.roundRatios.length > 1 ? `; per round ${at50.roundRatios.join(', ')}` : '') +
        (at50?.cpuRatio ? `; CPU-per-request ratio ${at50.cpuRatio}x` : ''),
    );
  }
}

async function main() {
  const startedAt = new Date();
  const results: DialectResult[] = [];
  try {
    for (const dialect of options.dialects) {
      results.push(await benchDialect(dialect));
      await cleanupAll(); // this dialect's server and database are gone before the next starts
    }
  } finally {
    await cleanupAll();
  }
  printTable(results);

  const report = {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo(),
    options: { ...options, out: undefined, threshold: THRESHOLD },
    results,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${options.out}`);
  if (results.some((r) => r.meetsThreshold === false)) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
