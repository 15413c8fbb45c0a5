/**
 * `npm run bench:members`: the members view and bulk invitations with 10,000 members in one
 * workspace, on SQLite and on PostgreSQL. For each dialect: a scratch database, one server child
 * process (`node --import tsx bench/server.ts`), an admin who signs up and creates the workspace
 * through the HTTP API, the workspace filled in bulk (bench/members-data.ts), then:
 *
 * 1. autocannon from this process, at 50 and at 1 connection(s), `--rounds` rounds of the baseline
 *    route (`/bench/baseline/:id`, one primary-key select) and four members pages back to back:
 *    the first page (50 rows), a common search term, a rare search term, and a page deep in the
 *    list (the cursor after `--deep-pages` pages).
 * 2. `--invites` calls of `POST /api/workspaces/:ws/invitations` with 100 new addresses each, one
 *    after the other (after one unmeasured call), timed from this process over loopback.
 *
 * Targets (the issue): members pages p95 <= 15 ms at 1 connection; at 50 connections >= 0.5x the
 * baseline's req/s in the same round; one 100-address invitation call <= 300 ms.
 * Prints tables and writes bench/results/members.json; exits 1 when a target is missed.
 *
 * Options (flag, or env):
 *   --dialect sqlite|postgres|both   BENCH_DIALECT      (default both)
 *   --members <n>                    BENCH_MEMBERS      active members in the workspace (default 10000)
 *   --duration <s>                   BENCH_DURATION     per measurement (default 5)
 *   --warmup <s>                     BENCH_WARMUP       per route, at 50 connections (default 2)
 *   --rounds <n>                     BENCH_ROUNDS       (default 3)
 *   --connections <a,b>              BENCH_CONNECTIONS  (default 50,1)
 *   --routes <list>                  BENCH_ROUTES       baseline,page,search,rare,deep (default: all)
 *   --deep-pages <n>                 BENCH_DEEP_PAGES   pages walked for the deep cursor (default 100)
 *   --invites <n>                    BENCH_INVITES      measured 100-address calls (default 20, at most 29:
 *                                                       the route allows 30 per 10 minutes)
 *   --pg-admin-url <url>             BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test)
 *   --page-cache on|off              BENCH_PAGE_CACHE   the server's members-page cache (default on; off
 *                                                       sets MEMBERS_PAGE_CACHE_MB=0: every page from the database)
 *   --cpu-prof                       BENCH_CPU_PROF=1   server under --cpu-prof (bench/results/profiles/)
 *   --out <file>                     BENCH_OUT          (default bench/results/members.json)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sortKey } from '../src/domain/members.ts';
import {
  checkClean,
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  describeMeasurement,
  dialectsOption,
  gitState,
  interrupted,
  type Measurement as LibMeasurement,
  latencySummary,
  machineInfo,
  measure,
  measureWithCpu,
  median,
  positiveNumber,
  printTable,
  resultsDir,
  round3,
  type Server,
  scratchDatabase,
  signUp,
  startServer,
  stopServer,
} from './lib.ts';
import { COMMON_TERM, type DatasetInfo, fillWorkspace, RARE_COUNT, RARE_TERM } from './members-data.ts';

const ROUTES = ['baseline', 'page', 'search', 'rare', 'deep'] as const;
type RouteName = (typeof ROUTES)[number];
type Measurement = LibMeasurement<RouteName>;
const ROUTE_LABELS: Record<RouteName, string> = {
  baseline: 'GET /bench/baseline/:id',
  page: 'members, first page',
  search: `members ?q=${COMMON_TERM}`,
  rare: `members ?q=${RARE_TERM}`,
  deep: 'members, deep cursor',
};

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    members: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    routes: { type: 'string' },
    'deep-pages': { type: 'string' },
    invites: { type: 'string' },
    'pg-admin-url': { type: 'string' },
    'page-cache': { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    out: { type: 'string' },
  },
  strict: true,
});

const env = process.env;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  members: Math.round(positiveNumber('--members', flags.members ?? env.BENCH_MEMBERS, 10_000, 200_000)),
  durationS: positiveNumber('--duration', flags.duration ?? env.BENCH_DURATION, 5, 300),
  warmupS: positiveNumber('--warmup', flags.warmup ?? env.BENCH_WARMUP, 2, 60),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 3, 10)),
  connections: (flags.connections ?? env.BENCH_CONNECTIONS ?? '50,1')
    .split(',')
    .map((c) => Math.round(positiveNumber('--connections', c.trim(), 1, 500))),
  routes: (flags.routes ?? env.BENCH_ROUTES ?? ROUTES.join(','))
    .split(',')
    .map((r) => r.trim()) as RouteName[],
  deepPages: Math.round(
    positiveNumber('--deep-pages', flags['deep-pages'] ?? env.BENCH_DEEP_PAGES, 100, 10_000),
  ),
  invites: Math.round(positiveNumber('--invites', flags.invites ?? env.BENCH_INVITES, 20, 29)),
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  pageCache: (flags['page-cache'] ?? env.BENCH_PAGE_CACHE ?? 'on') !== 'off',
  cpuProf: flags['cpu-prof'] ?? env.BENCH_CPU_PROF === '1',
  out: resolve(flags.out ?? env.BENCH_OUT ?? join(resultsDir, 'members.json')),
};
if (options.routes.length === 0 || options.routes.some((r) => !ROUTES.includes(r)))
  throw new Error(`--routes: a comma-separated list of ${ROUTES.join(', ')}`);
const PAGE = 50;
if (options.routes.includes('deep') && options.members <= (options.deepPages + 1) * PAGE)
  throw new Error('--deep-pages: the list has fewer pages than that');
const TARGET = { p95Ms: 15, ratio: 0.5, inviteMs: 300 };
const INVITE_BATCH = 100;

// ---------------------------------------------------------------------------------------------
// Data

interface MembersPageBody {
  members: {
    userId?: string;
    invitationId?: string;
    joinRequestId?: string;
    email: string;
    name?: string | null;
  }[];
  nextCursor: string | null;
  seats: number;
  seatsUsed: number;
}

async function getPage(server: Server, cookie: string, path: string): Promise<MembersPageBody> {
  const res = await fetch(server.base + path, { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as MembersPageBody;
}

const membersPath = (ws: string, query: Record<string, string> = {}) =>
  `/api/workspaces/${ws}/members?${new URLSearchParams({ limit: String(PAGE), ...query })}`;

/**
 * The admin through the real sign-up route, the workspace through the real API, then the bulk
 * fill. Checks every route answers what it should, walks the whole list once (each row once, in
 * order) and takes the cursor after `deepPages` pages.
 */
async function prepareData(
  dialect: DialectName,
  server: Server,
  dbUrl: string,
): Promise<{
  cookie: string;
  workspaceId: string;
  paths: Record<RouteName, string>;
  dataset: DatasetInfo;
  totalRows: number;
}> {
  const { cookie, userId } = await signUp(server, {
    email: `bench-admin-${randomBytes(4).toString('hex')}@example.com`,
    name: 'Bench Admin',
  });
  const workspaceId = await createWorkspace(server, cookie, 'Bench Members');
  const dataset = await fillWorkspace(dialect, dbUrl, {
    workspaceId,
    adminUserId: userId,
    members: options.members,
    invitations: 50,
    joinRequests: 20,
  });

  // The whole list, page by page: every row once, in sort key order.
  const seen = new Set<string>();
  let cursor: string | null = null;
  let deepCursor: string | null = null;
  let pages = 0;
  let active = 0;
  let lastSort = '';
  do {
    const body: MembersPageBody = await getPage(
      server,
      cookie,
      membersPath(workspaceId, cursor ? { cursor } : {}),
    );
    pages++;
    for (const m of body.members) {
      const key = m.userId ?? m.invitationId ?? m.joinRequestId ?? '';
      if (seen.has(key)) throw new Error(`members view: ${key} twice`);
      seen.add(key);
      if (m.userId) active++;
      // Byte order on SQLite; PostgreSQL sorts by the database's collation.
      const sort = sortKey(m.name, m.email);
      if (dialect === 'sqlite' && sort < lastSort)
        throw new Error(`members view: "${sort}" after "${lastSort}"`);
      lastSort = sort;
    }
    if (body.nextCursor && body.members.length !== PAGE)
      throw new Error('members view: short page with a cursor');
    cursor = body.nextCursor;
    if (pages === options.deepPages) deepCursor = cursor;
  } while (cursor);
  const expectedRows = options.members + dataset.invitations.pending + dataset.joinRequests;
  if (active !== options.members || seen.size !== expectedRows)
    throw new Error(
      `members view: ${active} members, ${seen.size} rows; expected ${options.members}, ${expectedRows}`,
    );

  const paths: Record<RouteName, string> = {
    baseline: `/bench/baseline/${workspaceId}`,
    page: membersPath(workspaceId),
    search: membersPath(workspaceId, { q: COMMON_TERM }),
    rare: membersPath(workspaceId, { q: RARE_TERM }),
    deep: deepCursor ? membersPath(workspaceId, { cursor: deepCursor }) : '',
  };
  const baseline = await fetch(server.base + paths.baseline, { headers: { cookie } });
  const baselineBody = (await baseline.json()) as { id?: string };
  if (baseline.status !== 200 || baselineBody.id !== workspaceId)
    throw new Error(`GET /bench/baseline is not right: ${baseline.status} ${JSON.stringify(baselineBody)}`);
  const first = await getPage(server, cookie, paths.page);
  if (first.members.length !== PAGE || !first.nextCursor || first.seatsUsed !== options.members)
    throw new Error(`first page is not right: ${first.members.length} rows, seats used ${first.seatsUsed}`);
  const search = await getPage(server, cookie, paths.search);
  const matches = (m: MembersPageBody['members'][number], term: string) =>
    `${m.name ?? ''} ${m.email}`.toLowerCase().includes(term);
  if (search.members.length !== PAGE || !search.members.every((m) => matches(m, COMMON_TERM)))
    throw new Error(`?q=${COMMON_TERM} is not right: ${search.members.length} rows`);
  const rare = await getPage(server, cookie, paths.rare);
  if (
    rare.members.length !== RARE_COUNT ||
    rare.nextCursor ||
    !rare.members.every((m) => matches(m, RARE_TERM))
  )
    throw new Error(`?q=${RARE_TERM} is not right: ${rare.members.length} rows`);
  if (options.routes.includes('deep')) {
    const deep = await getPage(server, cookie, paths.deep);
    if (deep.members.length !== PAGE) throw new Error('deep page is not right');
  }
  return { cookie, workspaceId, paths, dataset, totalRows: seen.size };
}

// ---------------------------------------------------------------------------------------------
// Invitations

interface InviteTiming {
  calls: number;
  addressesPerCall: number;
  /** Client-side wall time per call over loopback (request sent to response body read). */
  ms: { median: number; p95: number; max: number; min: number; mean: number };
  perCallMs: number[];
  warmupCallMs: number;
  loadAvg: [number, number];
}

async function timeInvites(server: Server, cookie: string, workspaceId: string): Promise<InviteTiming> {
  const call = async (n: number) => {
    const tag = randomBytes(3).toString('hex');
    const emails = Array.from({ length: INVITE_BATCH }, (_, i) => `new-${tag}-${n}-${i}@invitees.example`);
    const t0 = performance.now();
    const res = await fetch(`${server.base}/api/workspaces/${workspaceId}/invitations`, {
      method: 'POST',
      headers: { origin: server.origin, cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ emails, role: 'viewer' }),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 201) throw new Error(`invite call ${n}: ${res.status} ${text}`);
    const body = JSON.parse(text) as { results: { outcome: string }[] };
    if (body.results.length !== INVITE_BATCH || body.results.some((r) => r.outcome !== 'invited'))
      throw new Error(`invite call ${n}: not all invited`);
    return ms;
  };
  const warmupCallMs = round3(await call(0));
  const load0 = loadavg()[0] ?? 0;
  const perCallMs: number[] = [];
  for (let n = 1; n <= options.invites; n++) {
    if (interrupted()) throw new Error('interrupted');
    perCallMs.push(round3(await call(n)));
  }
  const s = latencySummary(perCallMs);
  return {
    calls: perCallMs.length,
    addressesPerCall: INVITE_BATCH,
    ms: { median: s.p50, p95: s.p95, max: s.max, min: round3(Math.min(...perCallMs)), mean: s.mean },
    perCallMs,
    warmupCallMs,
    loadAvg: [round3(load0), round3(loadavg()[0] ?? 0)],
  };
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface RouteSummary {
  route: RouteName;
  /** The median round by req/s. */
  median: Measurement;
  /** Median over rounds of (route req/s ÷ baseline req/s in the same round); null for the baseline. */
  ratio: number | null;
  roundRatios: number[];
  /** p95 of each round (ms). */
  roundP95: number[];
}

interface DialectResult {
  dialect: DialectName;
  database: string;
  serverPid: number;
  dataset: DatasetInfo & { viewRows: number };
  measurements: Measurement[];
  summary: { connections: number; routes: RouteSummary[] }[];
  invites: InviteTiming | null;
  targets: { what: string; value: number; target: string; met: boolean }[];
}

async function benchDialect(dialect: DialectName): Promise<DialectResult> {
  const db = await scratchDatabase(dialect, options.pgAdminUrl);
  const plannedS =
    options.routes.length * options.warmupS +
    options.connections.length * options.routes.length * options.rounds * (options.durationS + 1);
  const server = await startServer(dialect, db, {
    cpuProf: options.cpuProf,
    maxSeconds: 300 + 2 * plannedS,
    env: options.pageCache ? {} : { MEMBERS_PAGE_CACHE_MB: '0' },
  });
  const { child, pid, base } = server;
  console.log(`\n${dialect}: server pid ${pid} on ${base}, database ${db.label}`);
  const { cookie, workspaceId, paths, dataset, totalRows } = await prepareData(dialect, server, db.url);
  console.log(
    `  dataset: ${dataset.members} members, ${dataset.invitations.pending} invitations ` +
      `(${dataset.invitations.expired} expired), ${dataset.joinRequests} join requests in ${dataset.seconds} s; ` +
      `"${COMMON_TERM}" matches ${dataset.commonTermMatches} members, "${RARE_TERM}" ${dataset.rareTermMatches}; ` +
      `${totalRows} rows in the view`,
  );

  const warmupConnections = Math.max(...options.connections);
  for (const route of options.routes) {
    console.log(`  warm-up ${ROUTE_LABELS[route]} (${options.warmupS} s, ${warmupConnections} connections)`);
    checkClean(
      await measure(base + paths[route], cookie, warmupConnections, options.warmupS),
      `warm-up ${route}`,
    );
  }

  const measurements: Measurement[] = [];
  for (const connections of options.connections) {
    for (let round = 1; round <= options.rounds; round++) {
      // Back to back; the order reverses every other round so no route always goes first.
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

  let invites: InviteTiming | null = null;
  if (options.invites > 0) {
    invites = await timeInvites(server, cookie, workspaceId);
    console.log(
      `  invite ${INVITE_BATCH} addresses x ${invites.calls}: median ${invites.ms.median} ms, ` +
        `p95 ${invites.ms.p95} ms, max ${invites.ms.max} ms (first, unmeasured call ${invites.warmupCallMs} ms)`,
    );
  }

  await stopServer(child);
  if (child.exitCode !== 0)
    console.error(`  server exited with code ${child.exitCode} (${child.signalCode ?? ''})`);

  const summary = options.connections.map((connections) => {
    const routes: RouteSummary[] = [];
    for (const route of options.routes) {
      const runs = measurements.filter((m) => m.route === route && m.connections === connections);
      if (!runs.length) continue;
      const roundRatios: number[] = [];
      for (let round = 1; round <= options.rounds; round++) {
        const of = (r: RouteName) =>
          measurements.find((m) => m.route === r && m.connections === connections && m.round === round);
        const b = of('baseline');
        const x = of(route);
        if (route !== 'baseline' && b && x) roundRatios.push(round3(x.requestsPerSec / b.requestsPerSec));
      }
      routes.push({
        route,
        median: median(runs, (m) => m.requestsPerSec),
        ratio: roundRatios.length ? median(roundRatios, (r) => r) : null,
        roundRatios,
        roundP95: runs.map((m) => m.latencyMs.p95),
      });
    }
    return { connections, routes };
  });

  const targets: DialectResult['targets'] = [];
  for (const s of summary) {
    for (const r of s.routes) {
      if (r.route === 'baseline') continue;
      if (s.connections === 1)
        targets.push({
          what: `${ROUTE_LABELS[r.route]}: p95 at 1 connection (ms)`,
          value: r.median.latencyMs.p95,
          target: `<= ${TARGET.p95Ms}`,
          met: r.median.latencyMs.p95 <= TARGET.p95Ms,
        });
      if (s.connections === 50 && r.ratio !== null)
        targets.push({
          what: `${ROUTE_LABELS[r.route]}: req/s ÷ baseline at 50 connections`,
          value: r.ratio,
          target: `>= ${TARGET.ratio}`,
          met: r.ratio >= TARGET.ratio,
        });
    }
  }
  if (invites)
    targets.push({
      what: `invite ${INVITE_BATCH} addresses: p95 of ${invites.calls} calls (ms)`,
      value: invites.ms.p95,
      target: `<= ${TARGET.inviteMs}`,
      met: invites.ms.p95 <= TARGET.inviteMs,
    });

  return {
    dialect,
    database: dialect === 'sqlite' ? 'SQLite (better-sqlite3, WAL)' : 'PostgreSQL (pg pool, max 10)',
    serverPid: pid,
    dataset: { ...dataset, viewRows: totalRows },
    measurements,
    summary,
    invites,
    targets,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function report(results: DialectResult[]) {
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
      '÷ baseline',
    ],
  ];
  for (const r of results) {
    for (const s of r.summary) {
      for (const x of s.routes) {
        const m = x.median;
        rows.push([
          r.dialect,
          String(s.connections),
          ROUTE_LABELS[x.route],
          String(m.requestsPerSec),
          m.latencyMs.p50.toFixed(3),
          m.latencyMs.p95.toFixed(3),
          m.latencyMs.p99.toFixed(3),
          `${m.serverCpuUsPerRequest ?? '?'}${m.dbCpuUsPerRequest !== null ? ` + ${m.dbCpuUsPerRequest}` : ''}`,
          x.ratio !== null ? `${x.ratio.toFixed(3)}x` : '',
        ]);
      }
    }
  }
  printTable(rows, 3);
  for (const r of results) {
    for (const t of r.targets)
      console.log(`${r.dialect}: ${t.what} = ${t.value} (target ${t.target}): ${t.met ? 'met' : 'NOT met'}`);
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
  report(results);

  const out = {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench:members${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    git: gitState(),
    machine: machineInfo(),
    options: { ...options, out: undefined, targets: TARGET, pageSize: PAGE },
    results,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${options.out}`);
  if (results.some((r) => r.targets.some((t) => !t.met))) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
