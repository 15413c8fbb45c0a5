/**
 * `npm run bench:notifications`: live notifications (SPEC §7, issue 9's figures), on SQLite and on
 * PostgreSQL, each on a scratch database with real server child processes
 * (`node --import tsx bench/server.ts`, killed by PID at the end):
 *
 * 1. one process: a Super Admin's stream open on server A; a verified person joins through the
 *    invite link on A (approval on), N times (each request denied before the next): the time from
 *    sending POST /api/join to the join-request event arriving on the stream. That includes the
 *    request's own work before its commit, so it bounds "commit -> event" from above.
 * 2. two processes (PostgreSQL only): the same with the stream on server B, the joins on A:
 *    LISTEN/NOTIFY between them.
 * 3. many streams: C streams (default 10,000) of the Super Admin held by server A (the per-user
 *    cap raised for the benchmark), A's RSS before and after they open, then R rounds of one join
 *    request, timed from sending it until every stream has the event.
 *
 * The file-descriptor limit must exceed C in this process and in the server: the npm script runs
 * `ulimit -n 65536` first (root can raise it; otherwise run with fewer --streams).
 *
 * Options (flag, or env):
 *   --dialect sqlite|postgres|both   BENCH_DIALECT       (default both)
 *   --samples <n>                    BENCH_SAMPLES       latency samples per case (default 200)
 *   --warmup <n>                     BENCH_WARMUP        join requests before each latency case (default 50)
 *   --streams <n>                    BENCH_STREAMS       streams held in part 3 (default 10000)
 *   --rounds <n>                     BENCH_ROUNDS        events to all streams (default 3)
 *   --pg-admin-url <url>             BENCH_PG_ADMIN_URL  (default postgres://postgres@127.0.0.1:5432/test)
 *   --out <file>                     BENCH_OUT           (default bench/results/notifications.json)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  dialectsOption,
  gitState,
  machineInfo,
  percentile,
  positiveNumber,
  resultsDir,
  round3,
  type Server,
  scratchDatabase,
  signUp,
  startServer,
} from './lib.ts';

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    samples: { type: 'string' },
    warmup: { type: 'string' },
    streams: { type: 'string' },
    rounds: { type: 'string' },
    'pg-admin-url': { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  samples: Math.round(positiveNumber('--samples', flags.samples ?? env.BENCH_SAMPLES, 200, 5000)),
  warmup: Math.round(positiveNumber('--warmup', flags.warmup ?? env.BENCH_WARMUP, 50, 5000)),
  streams: Math.round(positiveNumber('--streams', flags.streams ?? env.BENCH_STREAMS, 10_000, 50_000)),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 3, 20)),
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  out: resolve(flags.out ?? env.BENCH_OUT ?? `${resultsDir}/notifications.json`),
};

/** This process's open-files limit (/proc/self/limits), which children inherit. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

const rssMiB = (pid: number) => {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
};
const now = () => performance.now();

/**
 * The servers trust the loopback proxy (TRUST_PROXY), so each call names a client address of its
 * own: the per-client rate limits on joining (60 a minute) are not what is measured here.
 */
let client = 0;
const clientAddress = () => {
  client += 1;
  return `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`;
};

async function call(server: Server, method: string, path: string, cookie: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: {
      origin: server.origin,
      cookie,
      'x-forwarded-for': clientAddress(),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * An SSE stream that calls `onEvent` with the arrival time of each `event: notification`
 * (a light parser: thousands of these live in this process at once).
 */
function openStream(server: Server, cookie: string, onEvent: (at: number) => void): Promise<ClientRequest> {
  return new Promise((ok, fail) => {
    const req = request(
      `${server.base}/api/notifications/stream`,
      { agent: false, headers: { cookie, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          fail(new Error(`stream: ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = now();
          let i = chunk.indexOf('event: notification');
          while (i >= 0) {
            onEvent(at);
            i = chunk.indexOf('event: notification', i + 1);
          }
        });
        res.on('error', () => {});
        ok(req);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

interface Setup {
  token: string;
  wsId: string;
  admin: { cookie: string };
  joiner: { cookie: string };
}

async function setUp(server: Server, markVerified: (userId: string) => Promise<void>): Promise<Setup> {
  const admin = await signUp(server, { email: `admin-${Date.now()}@example.com`, name: 'Bench Admin' });
  const wsId = await createWorkspace(server, admin.cookie, 'Bench');
  await call(server, 'PATCH', `/api/workspaces/${wsId}`, admin.cookie, { requireApproval: true });
  const { token } = await call(server, 'GET', `/api/workspaces/${wsId}/invite-link`, admin.cookie);
  const joiner = await signUp(server, { email: `joiner-${Date.now()}@example.com`, name: 'Bench Joiner' });
  await markVerified(joiner.userId);
  return { token, wsId, admin, joiner };
}

/** One join request through `via`; resolves its id. */
async function join(via: Server, s: Setup): Promise<string> {
  return (await call(via, 'POST', `/api/join/${s.token}`, s.joiner.cookie)).joinRequestId;
}
const deny = (via: Server, s: Setup, id: string) =>
  call(via, 'POST', `/api/workspaces/${s.wsId}/join-requests/${id}/deny`, s.admin.cookie);

interface Latency {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  responseP50: number;
}

/** Join via `joinVia`, event on a stream of `streamOn`: `samples` times. */
async function latency(
  joinVia: Server,
  streamOn: Server,
  s: Setup,
  samples: number,
  warmup: number,
): Promise<Latency> {
  let waiting: ((at: number) => void) | null = null;
  const stream = await openStream(streamOn, s.admin.cookie, (at) => waiting?.(at));
  const delays: number[] = [];
  const responses: number[] = [];
  try {
    for (let i = 0; i < samples + warmup; i++) {
      const arrived = new Promise<number>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error('no event within 5 s')), 5000);
        waiting = (at) => {
          clearTimeout(timer);
          waiting = null;
          ok(at);
        };
      });
      const t0 = now();
      const id = await join(joinVia, s);
      const tResponse = now();
      const at = await arrived;
      if (i >= warmup) {
        // The first ones warm up (JIT, prepared statements, the database's caches).
        delays.push(at - t0);
        responses.push(tResponse - t0);
      }
      await deny(joinVia, s, id);
    }
  } finally {
    stream.destroy();
  }
  delays.sort((a, b) => a - b);
  responses.sort((a, b) => a - b);
  return {
    samples: delays.length,
    p50: round3(percentile(delays, 50)),
    p95: round3(percentile(delays, 95)),
    p99: round3(percentile(delays, 99)),
    max: round3(delays[delays.length - 1] ?? 0),
    responseP50: round3(percentile(responses, 50)),
  };
}

interface FanOut {
  streams: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  rssGrowthMiB: number;
  openSeconds: number;
  rounds: { allReceivedMs: number; medianMs: number; received: number }[];
}

async function manyStreams(server: Server, s: Setup, count: number, rounds: number): Promise<FanOut> {
  const before = rssMiB(server.pid);
  let roundStart = 0;
  let arrivals: number[] = [];
  let allIn: (() => void) | null = null;
  const streams: ClientRequest[] = [];
  const opened = now();
  try {
    for (let i = 0; i < count; i += 250) {
      const batch = Math.min(250, count - i);
      streams.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () =>
            openStream(server, s.admin.cookie, (at) => {
              arrivals.push(at - roundStart);
              if (arrivals.length === count) allIn?.();
            }),
          ),
        )),
      );
    }
    const openSeconds = (now() - opened) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    const after = rssMiB(server.pid);
    const results: FanOut['rounds'] = [];
    for (let r = 0; r < rounds; r++) {
      arrivals = [];
      const done = new Promise<void>((ok) => {
        allIn = ok;
      });
      roundStart = now();
      const id = await join(server, s);
      await Promise.race([done, new Promise((t) => setTimeout(t, 15_000))]);
      const sorted = [...arrivals].sort((a, b) => a - b);
      results.push({
        allReceivedMs: round3(sorted.length === count ? (sorted[sorted.length - 1] ?? 0) : Number.NaN),
        medianMs: round3(percentile(sorted, 50)),
        received: sorted.length,
      });
      await deny(server, s, id);
      await new Promise((t) => setTimeout(t, 500));
    }
    return {
      streams: count,
      rssBeforeMiB: round3(before),
      rssAfterMiB: round3(after),
      rssGrowthMiB: round3(after - before),
      openSeconds: round3(openSeconds),
      rounds: results,
    };
  } finally {
    for (const st of streams) st.destroy();
  }
}

async function main() {
  const limit = openFilesLimit();
  if (limit < options.streams + 1000) {
    throw new Error(
      `open-files limit ${limit} is below ${options.streams} streams: run \`ulimit -n 65536\` first (npm run bench:notifications does), or pass --streams`,
    );
  }
  const git = gitState();
  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    commit: git?.commit ?? null,
    srcChanged: git?.srcChanged ?? null,
    machine: machineInfo(),
    loadAvgAtStart: loadavg().map(round3),
    openFilesLimit: limit,
    options: { ...options, out: undefined },
    dialects: {} as Record<string, unknown>,
  };
  for (const dialect of options.dialects as DialectName[]) {
    console.log(`\n== ${dialect}`);
    const db = await scratchDatabase(dialect, options.pgAdminUrl);
    const serverEnv = { BENCH_SSE_MAX_PER_USER: String(options.streams + 100), TRUST_PROXY: '127.0.0.1' };
    const a = await startServer(dialect, db, { cpuProf: false, maxSeconds: 1800, env: serverEnv });
    const markVerified = async (userId: string) => {
      if (dialect === 'sqlite') {
        const file = db.url.replace(/^sqlite:/, '');
        const conn = new SQLite(file);
        conn.pragma('busy_timeout = 5000');
        conn.prepare('UPDATE "user" SET "emailVerified" = 1 WHERE id = ?').run(userId);
        conn.close();
      } else {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        await c.query('UPDATE "user" SET "emailVerified" = true WHERE id = $1', [userId]);
        await c.end();
      }
    };
    const s = await setUp(a, markVerified);
    const out: Record<string, unknown> = {};
    console.log(`one process: ${options.samples} join requests, event on a stream of the same server…`);
    out.oneProcess = await latency(a, a, s, options.samples, options.warmup);
    console.log(out.oneProcess);
    if (dialect === 'postgres') {
      const b = await startServer(dialect, db, { cpuProf: false, maxSeconds: 1800, env: serverEnv });
      console.log(`two processes: joins on A, the stream on B (LISTEN/NOTIFY)…`);
      out.twoProcesses = await latency(a, b, s, options.samples, options.warmup);
      console.log(out.twoProcesses);
    }
    console.log(`${options.streams} streams on one process…`);
    out.manyStreams = await manyStreams(a, s, options.streams, options.rounds);
    console.log(out.manyStreams);
    out.loadAvgAtEnd = loadavg().map(round3);
    (results.dialects as Record<string, unknown>)[dialect] = out;
    await cleanupAll();
  }
  results.finishedAt = new Date().toISOString();
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${options.out}`);
}

main()
  .catch(async (err) => {
    console.error(err);
    await cleanupAll();
    process.exitCode = 1;
  })
  .finally(() => setTimeout(() => process.exit(), 500).unref());
