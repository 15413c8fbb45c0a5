/**
 * What the benchmarks share (`bench/run.ts`, `bench/members.ts`): the scratch database, the server
 * child process (`node --import tsx bench/server.ts`, killed by PID), sign-up through the real
 * HTTP API, autocannon with per-response microsecond latencies, CPU time from /proc, and cleanup of
 * everything started, also on Ctrl-C. Loopback only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import pg from 'pg';
import { type DataSource, POOL_APPLICATION_NAME } from '../src/data/db.ts';

export type DialectName = 'sqlite' | 'postgres';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const resultsDir = join(root, 'bench/results');
export const AUTH_SECRET = 'troupe-bench-secret-not-for-production-0123456789';
export const PASSWORD = 'bench horse battery staple';
export const DEFAULT_PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function positiveNumber(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`${name} must be a number in (0, ${max}]`);
  return n;
}

export function dialectsOption(raw: string): DialectName[] {
  if (!['sqlite', 'postgres', 'both'].includes(raw)) throw new Error('--dialect: sqlite, postgres or both');
  return (raw === 'both' ? ['sqlite', 'postgres'] : [raw]) as DialectName[];
}

// ---------------------------------------------------------------------------------------------
// Cleanup: everything started is registered here and undone in reverse order, also on Ctrl-C.

const cleanups: (() => Promise<void>)[] = [];

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn?.();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}

let interruptedFlag = false;
/** True once SIGINT/SIGTERM arrived (measurement loops stop at the next step). */
export const interrupted = () => interruptedFlag;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interruptedFlag = true;
    console.error(`\n${sig}: stopping the server and removing the scratch database…`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// Scratch database

export interface ScratchDb {
  url: string;
  dataDir: string;
  label: string;
  /** PostgreSQL: the scratch database's name; null on SQLite. */
  pgName: string | null;
}

/** A PostgreSQL admin URL, checked to be postgres:// on loopback. */
function checkedAdminUrl(adminUrl: string): URL {
  const admin = new URL(adminUrl);
  if (!/^postgres(ql)?:$/.test(admin.protocol)) throw new Error('--pg-admin-url must be a postgres:// URL');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(admin.hostname))
    throw new Error('--pg-admin-url must point at a loopback server');
  return admin;
}

/**
 * A SQLite file in a new temporary directory, or a PostgreSQL database `troupe_bench_<random>`
 * created through the admin URL (never the admin database itself) and dropped WITH (FORCE) at cleanup.
 */
export async function scratchDatabase(dialect: DialectName, pgAdminUrl: string): Promise<ScratchDb> {
  const dataDir = mkdtempSync(join(tmpdir(), 'troupe-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  if (dialect === 'sqlite') {
    const file = join(dataDir, 'bench.sqlite');
    return { url: `sqlite:${file}`, dataDir, label: file, pgName: null };
  }
  const name = `troupe_bench_${randomBytes(6).toString('hex')}`;
  checkedAdminUrl(pgAdminUrl);
  const adminQuery = async (text: string) => {
    const client = new pg.Client({ connectionString: pgAdminUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await adminQuery(`CREATE DATABASE ${name}`);
  cleanups.push(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(pgAdminUrl);
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
export async function stopServer(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(child, 10_000)) return;
  console.error(`server ${pid} ignored SIGTERM; sending SIGKILL`);
  process.kill(pid, 'SIGKILL');
  await waitForExit(child, 5_000);
}

export interface Server {
  child: ChildProcess;
  port: number;
  pid: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** The Origin a browser on the app's own page sends: http://localhost:<port> */
  origin: string;
}

/**
 * `node --import tsx bench/server.ts` with its config in a minimal environment (nothing from the
 * caller's shell leaks in), resolved once it prints its ready line. Stopped at cleanup.
 */
export async function startServer(
  dialect: DialectName,
  db: { url: string; dataDir: string },
  opts: {
    cpuProf: boolean;
    maxSeconds: number;
    env?: Record<string, string>;
    script?: string;
    /** Write what the server prints after its ready line (its log) to this file (replaced). */
    logFile?: string;
  },
): Promise<Server> {
  const port = await freePort();
  const script = opts.script ?? 'bench/server.ts';
  const nodeArgs = ['--import', 'tsx', script];
  if (opts.cpuProf) {
    // One directory per server: Node writes one profile per thread (main, and tsx's loader worker).
    const name = script.replace(/^bench\/|\.ts$/g, '');
    const dir = join(
      resultsDir,
      'profiles',
      `${dialect}-${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    );
    mkdirSync(dir, { recursive: true });
    nodeArgs.unshift('--cpu-prof', '--cpu-prof-dir', dir);
  }
  const child = spawn(process.execPath, nodeArgs, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: db.dataDir,
      LOG_LEVEL: 'silent',
      AUTH_SECRET,
      NODE_ENV: 'production',
      // A bound on the child's life, should this process die without killing it.
      BENCH_MAX_SECONDS: String(Math.ceil(opts.maxSeconds)),
      ...opts.env,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script}`);
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
            // Keep draining anything else it prints (into the log file, when asked for).
            if (opts.logFile) child.stdout?.pipe(createWriteStream(opts.logFile));
            else child.stdout?.resume();
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
  return { child, port, pid, base: `http://127.0.0.1:${port}`, origin: `http://localhost:${port}` };
}

// ---------------------------------------------------------------------------------------------
// Data through the real HTTP API

/** A real user through `POST /api/auth/sign-up/email` (argon2id, Better Auth): its session cookie. */
export async function signUp(
  server: Server,
  user: { email: string; name: string },
): Promise<{ cookie: string; userId: string }> {
  const signUpRes = await fetch(`${server.base}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { origin: server.origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, name: user.name, password: PASSWORD }),
  });
  const text = await signUpRes.text();
  if (signUpRes.status !== 200) throw new Error(`sign-up failed ${signUpRes.status}: ${text}`);
  const cookie = signUpRes.headers
    .getSetCookie()
    .find((c) => c.includes('session_token='))
    ?.split(';')[0];
  if (!cookie) throw new Error('sign-up returned no session cookie');
  const userId = (JSON.parse(text) as { user?: { id?: string } }).user?.id;
  if (!userId) throw new Error(`sign-up returned no user id: ${text}`);
  return { cookie, userId };
}

/**
 * One HTTP request on a kept-alive connection (node:http), for the timed sequential loops: fetch
 * (undici) spends about 0.3-0.7 ms of this process's time on each call (measured: 200 `GET /api/me`
 * in a row, p50 0.88 ms by fetch against 0.58 ms by node:http), which is the client's, not the server's.
 */
const keepAlive = new http.Agent({ keepAlive: true });
export function httpRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const req = http.request(url, { method: init.method ?? 'GET', headers, agent: keepAlive }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => ok({ status: res.statusCode ?? 0, text }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

export interface Req {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** A fresh JSON body for each request (invitations need new addresses). */
  body?: () => unknown;
}

/** One request as JSON (`origin` and a JSON content type with a body); a status not in `expect` throws. */
export async function call(server: Server, req: Req, expect = [200, 201, 204]): Promise<unknown> {
  const res = await httpRequest(server.base + req.path, {
    method: req.method ?? 'GET',
    headers: {
      ...(req.body ? { 'content-type': 'application/json', origin: server.origin } : {}),
      ...req.headers,
    },
    body: req.body ? JSON.stringify(req.body()) : undefined,
  });
  const text = res.text;
  if (!expect.includes(res.status))
    throw new Error(`${req.method ?? 'GET'} ${req.path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A distinct client address per request (the bench server trusts loopback's X-Forwarded-For). */
let clientSeq = 0;
export const nextClient = () => {
  clientSeq++;
  return `10.${(clientSeq >> 16) & 255}.${(clientSeq >> 8) & 255}.${clientSeq & 255}`;
};

/** `POST /api/workspaces`: the new workspace's id. */
export async function createWorkspace(server: Server, cookie: string, name: string): Promise<string> {
  const res = await fetch(`${server.base}/api/workspaces`, {
    method: 'POST',
    headers: { origin: server.origin, cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (res.status !== 201) throw new Error(`create workspace failed ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

// ---------------------------------------------------------------------------------------------
// Measurement

export interface LoadResult {
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface Measurement<R extends string = string> extends LoadResult {
  route: R;
  path: string;
  round: number;
  /** CPU time the server process used per request (user + system), from /proc; null elsewhere. */
  serverCpuUsPerRequest: number | null;
  /** PostgreSQL only: CPU time of the database's backend processes per request. */
  dbCpuUsPerRequest: number | null;
  /** 1-minute load average when the measurement started and ended (other work on the machine shows here). */
  loadAvg: [number, number];
}

/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;

/** User + system CPU time of a process in microseconds (Linux /proc), or null. */
export function processCpuUs(pid: number): number | null {
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

/**
 * CPU time (µs) of each PostgreSQL backend serving `database` on this machine, by PID: backends
 * show as `postgres: <user> <database> <client> <state>` in /proc/<pid>/cmdline. Empty elsewhere.
 */
export function postgresBackendsCpuUs(database: string): Map<number, number> {
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

/**
 * What the product server's pool connections (`application_name` troupe: not the bare floor's,
 * nor the notification bus's LISTEN connection) were doing, sampled from `pg_stat_activity` every
 * `everyMs` through one connection of the admin URL while a measurement runs: the share of samples
 * per state, and the statements seen waiting for a lock. "idle" is a connection in the pool with
 * nothing to do, or one the server holds but has not sent its statement on or read the answer of
 * yet (the two look alike from here); "idle in transaction" a transaction waiting for the server's
 * next statement; "active" a statement running or waiting (on a lock, on WAL, ...).
 */
export interface PgWaits {
  samples: number;
  /** Connections seen per sample, on average. */
  connections: number;
  /** State (and wait event) -> share of connection-samples, 0..1. */
  states: Record<string, number>;
  /** The statements seen waiting for a lock (their first 60 characters) -> samples. */
  lockedStatements: Record<string, number>;
}

export async function samplePgWaits(
  adminUrl: string,
  database: string,
  everyMs = 20,
): Promise<{ stop(): Promise<PgWaits> }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const states = new Map<string, number>();
  const locked = new Map<string, number>();
  let samples = 0;
  let seen = 0;
  let stopped = false;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await client.query<{ state: string; wait: string | null; query: string }>(
        `select state, wait_event_type || ':' || wait_event as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) as query
           from pg_stat_activity
          where datname = $1 and application_name = $2`,
        [database, POOL_APPLICATION_NAME],
      );
      samples++;
      for (const r of rows) {
        seen++;
        // An idle connection "waits" for its client (ClientRead): only an active one's wait is named.
        bump(states, r.state === 'active' ? `active ${r.wait ?? '(running)'}` : r.state);
        if (r.wait?.startsWith('Lock:')) bump(locked, r.query);
      }
      await new Promise((ok) => setTimeout(ok, everyMs));
    }
  })();
  loop.catch(() => {}); // reported by stop()
  return {
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      const share = (m: Map<string, number>, of: number) =>
        Object.fromEntries(
          [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round3(v / Math.max(1, of))]),
        );
      return {
        samples,
        connections: round3(seen / Math.max(1, samples)),
        states: share(states, seen),
        lockedStatements: Object.fromEntries([...locked].sort((a, b) => b[1] - a[1])),
      };
    },
  };
}

/** CPU used between two `postgresBackendsCpuUs` readings (backends that started in between count whole). */
export function backendsCpuDeltaUs(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, us] of after) sum += us - (before.get(pid) ?? 0);
  return sum;
}

/**
 * The CPU a measurement cost from now on: the server process's, and on PostgreSQL that of the
 * database's backends (all of them, but for `exclude`: the benchmark's own connections, say).
 * `perRequest(n)` divides each by `n`, rounded to the microsecond (null where unknown).
 */
export function startCpuMeter(serverPid: number, pgName: string | null) {
  const cpu0 = processCpuUs(serverPid);
  const db0 = pgName ? postgresBackendsCpuUs(pgName) : null;
  return {
    perRequest(n: number, exclude: ReadonlySet<number> = new Set()) {
      const cpu1 = processCpuUs(serverPid);
      const db1 = pgName ? postgresBackendsCpuUs(pgName) : null;
      for (const pid of exclude) db1?.delete(pid);
      return {
        serverCpuUs: cpu0 !== null && cpu1 !== null && n > 0 ? Math.round((cpu1 - cpu0) / n) : null,
        dbCpuUs: db0 && db1 && db1.size > 0 && n > 0 ? Math.round(backendsCpuDeltaUs(db0, db1) / n) : null,
      };
    },
  };
}

/** The `application_name` of the benchmark's own PostgreSQL connections (its data source). */
export const BENCH_APP = 'troupe-bench';

/** `url` with `application_name` set (PostgreSQL: it wins over the pool's own name). */
export function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

/** The backend PIDs of a data source's PostgreSQL connections, found by their `application_name`. */
export async function backendPids(data: DataSource, name: string): Promise<ReadonlySet<number>> {
  if (data.dialect !== 'postgres') return new Set();
  const { rows } = await sql<{ pid: number }>`
    select pid from pg_stat_activity where application_name = ${name}`.execute(data.db);
  return new Set(rows.map((r) => r.pid));
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The middle item by `key` (the lower middle for an even count). */
export const median = <T>(items: T[], key: (t: T) => number): T => {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] as T;
};

/** Mean, nearest-rank p50/p95/p99 and max of latencies in ms, rounded to the microsecond. */
export function latencySummary(latencies: number[]): LoadResult['latencyMs'] {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    mean: round3(sum / latencies.length),
    p50: round3(percentile(sorted, 50)),
    p95: round3(percentile(sorted, 95)),
    p99: round3(percentile(sorted, 99)),
    max: round3(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/**
 * One autocannon run. Latencies are recorded here from each response (microsecond resolution):
 * autocannon's own histogram counts whole milliseconds and has no p95.
 */
export function measure(
  url: string,
  cookie: string,
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  return new Promise((ok, fail) => {
    const latencies: number[] = [];
    const instance = autocannon(
      { url, connections, duration: durationS, headers: { cookie }, timeout: 10 },
      (err, result) => {
        if (err) return fail(err);
        const elapsedS = result.duration;
        ok({
          connections,
          durationS: round3(elapsedS),
          requests: result.requests.total,
          requestsPerSec: Math.round(result.requests.total / elapsedS),
          latencyMs: latencySummary(latencies),
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

/** Any non-2xx response, error or timeout aborts the run. */
export function checkClean(m: { non2xx: number; errors: number; timeouts: number }, what: string): void {
  if (m.non2xx || m.errors || m.timeouts)
    throw new Error(`${what}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts`);
}

/**
 * `measure` plus the server's (and PostgreSQL backends') CPU per request and the load average
 * around it; checked clean.
 */
export async function measureWithCpu<R extends string>(
  server: { base: string; pid: number },
  db: { pgName: string | null },
  run: { route: R; path: string; round: number; cookie: string; connections: number; durationS: number },
): Promise<Measurement<R>> {
  const load0 = loadavg()[0] ?? 0;
  const db0 = db.pgName ? postgresBackendsCpuUs(db.pgName) : null;
  const cpu0 = processCpuUs(server.pid);
  const m = await measure(server.base + run.path, run.cookie, run.connections, run.durationS);
  const cpu1 = processCpuUs(server.pid);
  const db1 = db.pgName ? postgresBackendsCpuUs(db.pgName) : null;
  const dbCpuUsPerRequest =
    db0 && db1 && db1.size > 0 && m.requests > 0
      ? Math.round(backendsCpuDeltaUs(db0, db1) / m.requests)
      : null;
  checkClean(m, `${run.route} at ${run.connections} connections`);
  const serverCpuUsPerRequest =
    cpu0 !== null && cpu1 !== null && m.requests > 0 ? Math.round((cpu1 - cpu0) / m.requests) : null;
  const loadAvg: [number, number] = [round3(load0), round3(loadavg()[0] ?? 0)];
  return {
    route: run.route,
    path: run.path,
    round: run.round,
    ...m,
    serverCpuUsPerRequest,
    dbCpuUsPerRequest,
    loadAvg,
  };
}

/** One line per measurement, as the runs print them. */
export function describeMeasurement(m: Measurement, label = m.route, width = 8): string {
  return (
    `  ${label.padEnd(width)} c=${String(m.connections).padStart(3)} round ${m.round}: ` +
    `${m.requestsPerSec} req/s, p50 ${m.latencyMs.p50} ms, p95 ${m.latencyMs.p95} ms, p99 ${m.latencyMs.p99} ms, ` +
    `server CPU ${m.serverCpuUsPerRequest ?? '?'} µs/req` +
    (m.dbCpuUsPerRequest !== null ? `, db CPU ${m.dbCpuUsPerRequest} µs/req` : '') +
    `, load ${m.loadAvg[0]}→${m.loadAvg[1]}`
  );
}

/** Prints rows as an aligned table; columns from `rightFrom` on are right-aligned. */
export function printTable(rows: string[][], rightFrom: number): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i >= rightFrom ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ');
  console.log(`\n${line(rows[0] ?? [])}`);
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log('');
}

export function machineInfo() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
  };
}

/**
 * The checked-out commit and whether src/ differs from it (null outside a git checkout); `src`
 * fingerprints src/ as it is (the commit's tree and the changes to it), so that two readings tell
 * whether it changed between them.
 */
export function gitState(): { commit: string; srcChanged: boolean; src: string } | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = git('status', '--porcelain', 'src');
    // New files' contents too (a diff shows only tracked files).
    const untracked = git('ls-files', '--others', '--exclude-standard', 'src').split('\n').filter(Boolean);
    const tree =
      git('rev-parse', 'HEAD:src') +
      status +
      git('diff', 'HEAD', '--', 'src') +
      (untracked.length > 0 ? git('hash-object', ...untracked) : '');
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      srcChanged: status !== '',
      src: createHash('sha256').update(tree).digest('hex').slice(0, 16),
    };
  } catch {
    return null;
  }
}
