/**
 * `npm run bench`: GET /api/me against a one-primary-key-select baseline route, on SQLite and on
 * PostgreSQL. For each dialect: a scratch database, one server child process
 * (`node --import tsx bench/server.ts`), a real user with two workspaces, a warm-up, then
 * autocannon from this process at 50 and at 1 connection(s), baseline and /api/me back to back.
 * Prints a table and writes bench/results/latest.json. Loopback only; the child is killed by PID
 * and the scratch database removed, whatever happens.
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
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

type DialectName = 'sqlite' | 'postgres';
type RouteName = 'baseline' | 'me';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(root, 'bench/results');

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

function positiveNumber(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${name} must be a number in (0, ${max}]`);
  return n;
}

const env = process.env;
const dialectOpt = flags.dialect ?? env.BENCH_DIALECT ?? 'both';
if (!['sqlite', 'postgres', 'both'].includes(dialectOpt))
  throw new Error('--dialect: sqlite, postgres or both');
const options = {
  dialects: (dialectOpt === 'both' ? ['sqlite', 'postgres'] : [dialectOpt]) as DialectName[],
  durationS: positiveNumber('--duration', flags.duration ?? env.BENCH_DURATION, 10, 300),
  warmupS: positiveNumber('--warmup', flags.warmup ?? env.BENCH_WARMUP, 3, 60),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 3, 10)),
  connections: (flags.connections ?? env.BENCH_CONNECTIONS ?? '50,1')
    .split(',')
    .map((c) => Math.round(positiveNumber('--connections', c.trim(), 1, 500))),
  routes: (flags.routes ?? env.BENCH_ROUTES ?? 'baseline,me').split(',').map((r) => r.trim()) as RouteName[],
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  cpuProf: flags['cpu-prof'] ?? env.BENCH_CPU_PROF === '1',
  out: resolve(flags.out ?? env.BENCH_OUT ?? join(resultsDir, 'latest.json')),
};
if (options.routes.length === 0 || options.routes.some((r) => r !== 'baseline' && r !== 'me'))
  throw new Error('--routes: baseline, me or baseline,me');
const THRESHOLD = 0.7;
const AUTH_SECRET = 'troupe-bench-secret-not-for-production-0123456789';
const PASSWORD = 'bench horse battery staple';

// ---------------------------------------------------------------------------------------------
// Cleanup: everything started is registered here and undone in reverse order, also on Ctrl-C.

const cleanups: (() => Promise<void>)[] = [];
async function cleanupAll() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn?.();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    console.error(`\n${sig}: stopping the server and removing the scratch database…`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// Scratch database

async function scratchDatabase(
  dialect: DialectName,
): Promise<{ url: string; dataDir: string; label: string; pgName: string | null }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'troupe-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  if (dialect === 'sqlite') {
    const file = join(dataDir, 'bench.sqlite');
    return { url: `sqlite:${file}`, dataDir, label: file, pgName: null };
  }
  const name = `troupe_bench_${randomBytes(6).toString('hex')}`;
  const admin = new URL(options.pgAdminUrl);
  if (!/^postgres(ql)?:$/.test(admin.protocol)) throw new Error('--pg-admin-url must be a postgres:// URL');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(admin.hostname))
    throw new Error('--pg-admin-url must point at a loopback server');
  const adminQuery = async (text: string) => {
    const client = new pg.Client({ connectionString: options.pgAdminUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await adminQuery(`CREATE DATABASE ${name}`);
  cleanups.push(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(options.pgAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), dataDir, label: `${url.host}/${name}`, pgName: name };
}

// ---------------------------------------------------------------------------------------------
// Server child process

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? ok(port) : fail(new Error('no port'))));
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((ok) => {
    const timer = setTimeout(() => ok(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      ok(true);
    });
  });
}

/** Kills the server by its PID: SIGTERM (graceful close), then SIGKILL after 10 s. */
async function stopServer(child: ChildProcess) {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(child, 10_000)) return;
  console.error(`server ${pid} ignored SIGTERM; sending SIGKILL`);
  process.kill(pid, 'SIGKILL');
  await waitForExit(child, 5_000);
}

async function startServer(
  dialect: DialectName,
  db: { url: string; dataDir: string },
): Promise<{ child: ChildProcess; port: number; pid: number }> {
  const port = await freePort();
  const nodeArgs = ['--import', 'tsx', 'bench/server.ts'];
  if (options.cpuProf) {
    // One directory per server: Node writes one profile per thread (main, and tsx's loader worker).
    const dir = join(resultsDir, 'profiles', `${dialect}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    nodeArgs.unshift('--cpu-prof', '--cpu-prof-dir', dir);
  }
  const child = spawn(process.execPath, nodeArgs, {
    cwd: root,
    // A minimal environment: nothing from the caller's shell (SMTP_URL, NODE_ENV…) leaks in.
    env: {
      PATH: env.PATH,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: db.dataDir,
      LOG_LEVEL: 'silent',
      AUTH_SECRET,
      NODE_ENV: 'production',
      // A bound on the child's life, should this process die without killing it: twice the plan.
      BENCH_MAX_SECONDS: String(
        Math.ceil(
          120 +
            2 *
              (2 * options.warmupS +
                options.connections.length *
                  options.routes.length *
                  options.rounds *
                  (options.durationS + 1)),
        ),
      ),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start bench/server.ts');
  cleanups.push(() => stopServer(child));

  await new Promise<void>((ok, fail) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error('server did not become ready within 60 s')), 60_000);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (const line of buffered.split('\n').slice(0, -1)) {
        try {
          if (JSON.parse(line).ready) {
            clearTimeout(timer);
            child.stdout?.off('data', onData);
            child.stdout?.resume(); // keep draining anything else it prints
            ok();
            return;
          }
        } catch {
          // not our line
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`server exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
  return { child, port, pid };
}

// ---------------------------------------------------------------------------------------------
// Data: a real user through the real sign-up route, and two workspaces.

async function prepareData(base: string, origin: string): Promise<{ cookie: string; workspaceId: string }> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Bench User', password: PASSWORD }),
  });
  if (signUp.status !== 200) throw new Error(`sign-up failed ${signUp.status}: ${await signUp.text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .find((c) => c.includes('session_token='))
    ?.split(';')[0];
  if (!cookie) throw new Error('sign-up returned no session cookie');

  const ids: string[] = [];
  for (const name of ['Bench Studio', 'Bench Agency']) {
    const res = await fetch(`${base}/api/workspaces`, {
      method: 'POST',
      headers: { origin, cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    if (res.status !== 201) throw new Error(`create workspace failed ${res.status}: ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  const workspaceId = ids[0] as string;

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

interface Measurement {
  route: RouteName;
  path: string;
  connections: number;
  round: number;
  durationS: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU time the server process used per request (user + system), from /proc; null elsewhere. */
  serverCpuUsPerRequest: number | null;
  /** PostgreSQL only: CPU time of the database's backend processes per request. */
  dbCpuUsPerRequest: number | null;
  /** 1-minute load average when the measurement started and ended (other work on the machine shows here). */
  loadAvg: [number, number];
}

/** User + system CPU time of a process in microseconds (Linux /proc), or null. */
function processCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;

/**
 * CPU time (µs) of each PostgreSQL backend serving `database` on this machine, by PID: backends
 * show as `postgres: <user> <database> <client> <state>` in /proc/<pid>/cmdline. Empty elsewhere.
 */
function postgresBackendsCpuUs(database: string): Map<number, number> {
  const found = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.split(' ').includes(database)) continue;
      const us = processCpuUs(Number(pid));
      if (us !== null) found.set(Number(pid), us);
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** CPU used between two `postgresBackendsCpuUs` readings (backends that started in between count whole). */
function backendsCpuDeltaUs(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, us] of after) sum += us - (before.get(pid) ?? 0);
  return sum;
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * One autocannon run. Latencies are recorded here from each response (microsecond resolution):
 * autocannon's own histogram counts whole milliseconds and has no p95.
 */
function measure(
  url: string,
  cookie: string,
  connections: number,
  durationS: number,
): Promise<
  Omit<Measurement, 'route' | 'path' | 'round' | 'serverCpuUsPerRequest' | 'dbCpuUsPerRequest' | 'loadAvg'>
> {
  return new Promise((ok, fail) => {
    const latencies: number[] = [];
    const instance = autocannon(
      { url, connections, duration: durationS, headers: { cookie }, timeout: 10 },
      (err, result) => {
        if (err) return fail(err);
        const sorted = Float64Array.from(latencies).sort();
        const sum = latencies.reduce((a, b) => a + b, 0);
        const elapsedS = result.duration;
        ok({
          connections,
          durationS: round3(elapsedS),
          requests: result.requests.total,
          requestsPerSec: Math.round(result.requests.total / elapsedS),
          latencyMs: {
            mean: round3(sum / latencies.length),
            p50: round3(percentile(sorted, 50)),
            p95: round3(percentile(sorted, 95)),
            p99: round3(percentile(sorted, 99)),
            max: round3(sorted[sorted.length - 1] ?? Number.NaN),
          },
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
}

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

const median = <T>(items: T[], key: (t: T) => number): T => {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
};

async function benchDialect(dialect: DialectName): Promise<DialectResult> {
  const db = await scratchDatabase(dialect);
  const { child, port, pid } = await startServer(dialect, db);
  const base = `http://127.0.0.1:${port}`;
  const { cookie, workspaceId } = await prepareData(base, `http://localhost:${port}`);
  const paths: Record<RouteName, string> = { baseline: `/bench/baseline/${workspaceId}`, me: '/api/me' };
  console.log(`\n${dialect}: server pid ${pid} on ${base}, database ${db.label}`);

  const check = (m: { non2xx: number; errors: number; timeouts: number }, what: string) => {
    if (m.non2xx || m.errors || m.timeouts)
      throw new Error(`${what}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts`);
  };

  const warmupConnections = Math.max(...options.connections);
  for (const route of options.routes) {
    console.log(`  warm-up ${paths[route]} (${options.warmupS} s, ${warmupConnections} connections)`);
    check(await measure(base + paths[route], cookie, warmupConnections, options.warmupS), `warm-up ${route}`);
  }

  const measurements: Measurement[] = [];
  for (const connections of options.connections) {
    for (let round = 1; round <= options.rounds; round++) {
      // Back to back; the order alternates between rounds so neither route always goes first.
      const order = round % 2 === 1 ? options.routes : [...options.routes].reverse();
      for (const route of order) {
        if (interrupted) throw new Error('interrupted');
        const load0 = loadavg()[0] ?? 0;
        const db0 = db.pgName ? postgresBackendsCpuUs(db.pgName) : null;
        const cpu0 = processCpuUs(pid);
        const m = await measure(base + paths[route], cookie, connections, options.durationS);
        const cpu1 = processCpuUs(pid);
        const db1 = db.pgName ? postgresBackendsCpuUs(db.pgName) : null;
        const dbCpuUsPerRequest =
          db0 && db1 && db1.size > 0 && m.requests > 0
            ? Math.round(backendsCpuDeltaUs(db0, db1) / m.requests)
            : null;
        check(m, `${route} at ${connections} connections`);
        const serverCpuUsPerRequest =
          cpu0 !== null && cpu1 !== null && m.requests > 0 ? Math.round((cpu1 - cpu0) / m.requests) : null;
        const loadAvg: [number, number] = [round3(load0), round3(loadavg()[0] ?? 0)];
        measurements.push({
          route,
          path: paths[route],
          round,
          ...m,
          serverCpuUsPerRequest,
          dbCpuUsPerRequest,
          loadAvg,
        });
        console.log(
          `  ${route.padEnd(8)} c=${String(connections).padStart(3)} round ${round}: ` +
            `${m.requestsPerSec} req/s, p50 ${m.latencyMs.p50} ms, p95 ${m.latencyMs.p95} ms, p99 ${m.latencyMs.p99} ms, ` +
            `server CPU ${serverCpuUsPerRequest ?? '?'} µs/req` +
            (dbCpuUsPerRequest !== null ? `, db CPU ${dbCpuUsPerRequest} µs/req` : '') +
            `, load ${loadAvg[0]}→${loadAvg[1]}`,
        );
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
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    row.map((cell, i) => (i >= 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ');
  console.log(`\n${line(rows[0] ?? [])}`);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
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
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      platform: `${process.platform} ${process.arch}`,
      node: process.version,
    },
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
