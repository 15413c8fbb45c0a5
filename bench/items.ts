/**
 * `npm run bench:items`: the library and sharing engine on a small and a large workspace, on SQLite
 * and on PostgreSQL. For each dialect and dataset (bench/items-data.ts):
 *
 * 1. A scratch database and a server child (`node --import tsx bench/server.ts`, which runs the
 *    migrations). The admin and four bench users sign up through `POST /api/auth/sign-up/email`;
 *    the admin creates the workspace through `POST /api/workspaces`. The server is stopped.
 * 2. The dataset is generated and bulk-loaded (timed), then ANALYZEd; a new server is started on the
 *    same database (the sessions stay valid: same AUTH_SECRET).
 * 3. Every route is checked once: 200 with the expected item(s) and permission, and 404 for three
 *    items the users must not see.
 * 4. autocannon from this process, at 1 connection, `--rounds` rounds of every route back to back
 *    (the order reversed every other round): `GET /api/items/:id` for six (user, item) cases and
 *    for all six in rotation (`get-mix`), the first page (50) of a big folder, of the deepest
 *    folder of a spine and of the root for a Creator, and shared-with-me for the member with the
 *    most grants; the baseline route for reference.
 * 5. On the `--throughput-on` dialects (default postgres), at `--concurrency` connections (default
 *    50): the baseline route (`/bench/baseline/:id`, one primary-key select), `get-mix` and
 *    `get-deep-inherit`, back to back in each round; the ratio is item reads ÷ baseline req/s.
 *
 * Any non-2xx response, error or timeout aborts the run. Targets (the issue): `GET /api/items/:id`
 * p95 <= 5 ms on L and <= 1.5x its p95 on S; a first page (folder, shared) p95 <= 20 ms on L; at
 * 50 connections on PostgreSQL item reads >= 0.5x the baseline. Prints a table, writes
 * bench/results/items.json, exits 1 when a target is missed.
 *
 * Options (flag, or env):
 *   --dialect sqlite|postgres|both   BENCH_DIALECT        (default both)
 *   --dataset S|L|both               BENCH_DATASET        (default both; the S-vs-L target needs both)
 *   --duration <s>                   BENCH_DURATION       per measurement (default 5)
 *   --warmup <s>                     BENCH_WARMUP         per route (default 2)
 *   --rounds <n>                     BENCH_ROUNDS         (default 3)
 *   --routes <list>                  BENCH_ROUTES         routes at 1 connection (default: all)
 *   --concurrency <n>                BENCH_CONCURRENCY    connections of the throughput comparison (default 50)
 *   --throughput-on <list>           BENCH_THROUGHPUT_ON  sqlite, postgres, both or none (default postgres)
 *   --pg-admin-url <url>             BENCH_PG_ADMIN_URL   (default postgres://postgres@127.0.0.1:5432/test)
 *   --cpu-prof                       BENCH_CPU_PROF=1     server under --cpu-prof (bench/results/profiles/)
 *   --build-only                     BENCH_BUILD_ONLY=1   generate and load the datasets (timed), measure nothing
 *   --out <file>                     BENCH_OUT            (default bench/results/items.json)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  BENCH_ROLES,
  type BenchRole,
  type BenchUser,
  buildItems,
  DATASETS,
  type DatasetName,
  type ItemsDatasetInfo,
  type ItemTargets,
} from './items-data.ts';
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
  type LoadResult,
  latencySummary,
  machineInfo,
  median,
  positiveNumber,
  printTable,
  resultsDir,
  round3,
  type Server,
  scratchDatabase,
  signUp,
  startCpuMeter,
  startServer,
  stopServer,
} from './lib.ts';

const GET_ROUTES = [
  'get-deep-inherit',
  'get-deep-workspace',
  'get-deep-direct',
  'get-shallow-direct',
  'get-root-workspace',
  'get-big-child',
  'get-mix',
] as const;
const LIST_ROUTES = ['list-big', 'list-deep', 'list-root', 'list-shared'] as const;
const ROUTES = ['baseline', ...GET_ROUTES, ...LIST_ROUTES] as const;
type RouteName = (typeof ROUTES)[number];
type Measurement = LibMeasurement<RouteName> & { dataset: DatasetName };

const ROUTE_LABELS: Record<RouteName, string> = {
  baseline: 'GET /bench/baseline/:id',
  'get-deep-inherit': 'item at depth 21, inherited grant (creator)',
  'get-deep-workspace': 'item at depth 21, workspace access (developer)',
  'get-deep-direct': 'item at depth 21, direct grant (viewer)',
  'get-shallow-direct': 'item at depth 3, direct grant (viewer)',
  'get-root-workspace': 'item at the root, workspace access (developer)',
  'get-big-child': 'item in the big folder, inherited grant (creator)',
  'get-mix': 'the six items above in rotation',
  'list-big': 'big folder, first page (creator)',
  'list-deep': 'folder at depth 20, first page (creator)',
  'list-root': 'root, first page (creator)',
  'list-shared': 'shared with me, first page (most grants)',
};

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    dataset: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    routes: { type: 'string' },
    concurrency: { type: 'string' },
    'throughput-on': { type: 'string' },
    'pg-admin-url': { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    'build-only': { type: 'boolean' },
    out: { type: 'string' },
  },
  strict: true,
});

const env = process.env;
const datasetRaw = (flags.dataset ?? env.BENCH_DATASET ?? 'both').toUpperCase();
if (!['S', 'L', 'BOTH'].includes(datasetRaw)) throw new Error('--dataset: S, L or both');
const throughputRaw = flags['throughput-on'] ?? env.BENCH_THROUGHPUT_ON ?? 'postgres';
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  datasets: (datasetRaw === 'BOTH' ? ['S', 'L'] : [datasetRaw]) as DatasetName[],
  durationS: positiveNumber('--duration', flags.duration ?? env.BENCH_DURATION, 5, 300),
  warmupS: positiveNumber('--warmup', flags.warmup ?? env.BENCH_WARMUP, 2, 60),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 3, 10)),
  routes: (flags.routes ?? env.BENCH_ROUTES ?? ROUTES.join(','))
    .split(',')
    .map((r) => r.trim()) as RouteName[],
  concurrency: Math.round(
    positiveNumber('--concurrency', flags.concurrency ?? env.BENCH_CONCURRENCY, 50, 500),
  ),
  throughputOn: (throughputRaw === 'none' ? [] : dialectsOption(throughputRaw)) as DialectName[],
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  cpuProf: flags['cpu-prof'] ?? env.BENCH_CPU_PROF === '1',
  buildOnly: flags['build-only'] ?? env.BENCH_BUILD_ONLY === '1',
  out: resolve(flags.out ?? env.BENCH_OUT ?? join(resultsDir, 'items.json')),
};
if (options.routes.length === 0 || options.routes.some((r) => !ROUTES.includes(r)))
  throw new Error(`--routes: a comma-separated list of ${ROUTES.join(', ')}`);
const THROUGHPUT_ROUTES: RouteName[] = ['baseline', 'get-mix', 'get-deep-inherit'];
const TARGET = { getP95Ms: 5, getGrowth: 1.5, listP95Ms: 20, ratio: 0.5 };
const PAGE = 50;

// ---------------------------------------------------------------------------------------------
// Requests

interface Req {
  path: string;
  cookie: string;
}

type Cookies = Record<BenchRole, string>;

async function getJson(server: Server, req: Req): Promise<{ status: number; body: unknown }> {
  const res = await fetch(server.base + req.path, { headers: { cookie: req.cookie } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

interface ItemBody {
  id: string;
  parentId: string | null;
  ownerId: string;
  permission: string;
}
interface ListBody {
  items: ItemBody[];
  nextCursor: string | null;
}

function routeRequests(workspaceId: string, t: ItemTargets, c: Cookies): Record<RouteName, Req[]> {
  const item = (id: string, who: BenchRole): Req => ({ path: `/api/items/${id}`, cookie: c[who] });
  const list = (query: Record<string, string>, who: BenchRole): Req => ({
    path: `/api/workspaces/${workspaceId}/items${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`,
    cookie: c[who],
  });
  const gets = {
    'get-deep-inherit': [item(t.deepInherit, 'inherit')],
    'get-deep-workspace': [item(t.deepWorkspace, 'workspace')],
    'get-deep-direct': [item(t.deepDirect, 'direct')],
    'get-shallow-direct': [item(t.shallowDirect, 'direct')],
    'get-root-workspace': [item(t.rootWorkspace, 'workspace')],
    'get-big-child': [item(t.bigChild, 'inherit')],
  };
  return {
    baseline: [{ path: `/bench/baseline/${workspaceId}`, cookie: c.admin }],
    ...gets,
    'get-mix': Object.values(gets).flat(),
    'list-big': [list({ parentId: t.bigFolder }, 'inherit')],
    'list-deep': [list({ parentId: t.deepFolder }, 'inherit')],
    'list-root': [list({}, 'inherit')],
    'list-shared': [list({ view: 'shared' }, 'sharee')],
  };
}

/** Every route answers what it should before anything is measured; and three items stay hidden. */
async function verify(
  server: Server,
  dataset: DatasetName,
  workspaceId: string,
  t: ItemTargets,
  c: Cookies,
  reqs: Record<RouteName, Req[]>,
  users: Record<BenchRole, BenchUser>,
): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  const fail = (what: string, got: unknown): never => {
    throw new Error(`${dataset}: ${what} is not right: ${JSON.stringify(got).slice(0, 500)}`);
  };
  for (const route of GET_ROUTES) {
    if (route === 'get-mix') continue;
    const req = reqs[route][0] as Req;
    const { status, body } = await getJson(server, req);
    const b = body as ItemBody;
    if (status !== 200 || b.id !== req.path.split('/').pop() || b.permission !== 'view')
      fail(`${route} (${req.path})`, { status, body });
    seen[route] = `200, permission ${b.permission}`;
  }
  const hidden: [string, string, BenchRole][] = [
    ['deepInherit for direct', t.deepInherit, 'direct'],
    ['deepDirect for inherit', t.deepDirect, 'inherit'],
    ['deepBlocked for workspace (below an only_me folder)', t.deepBlocked, 'workspace'],
  ];
  for (const [what, id, who] of hidden) {
    const { status, body } = await getJson(server, { path: `/api/items/${id}`, cookie: c[who] });
    if (status !== 404) fail(`${what}: expected 404`, { status, body });
    seen[what] = '404';
  }
  const full = dataset === 'L';
  const checkList = (route: RouteName, body: ListBody, each: (i: ItemBody) => boolean, minimum: number) => {
    if (!Array.isArray(body.items) || body.items.length < minimum || body.items.length > PAGE)
      fail(`${route}: ${body.items?.length} items`, body);
    if (full && (body.items.length !== PAGE || !body.nextCursor))
      fail(`${route}: not a full first page`, body);
    if (!body.items.every((i) => each(i) && (i.permission === 'view' || i.permission === 'edit')))
      fail(`${route}: an item that does not belong`, body);
    seen[route] = `200, ${body.items.length} items${body.nextCursor ? ', more' : ''}`;
  };
  for (const route of LIST_ROUTES) {
    const req = reqs[route][0] as Req;
    const { status, body } = await getJson(server, req);
    if (status !== 200) fail(`${route} (${req.path})`, { status, body });
    const b = body as ListBody;
    if (route === 'list-big') checkList(route, b, (i) => i.parentId === t.bigFolder, PAGE);
    if (route === 'list-deep') checkList(route, b, (i) => i.parentId === t.deepFolder, 5);
    if (route === 'list-root') checkList(route, b, (i) => i.parentId === null, 10);
    if (route === 'list-shared') checkList(route, b, (i) => i.ownerId !== users.sharee.id, 10);
  }
  const { status, body } = await getJson(server, reqs.baseline[0] as Req);
  if (status !== 200 || (body as { id?: string }).id !== workspaceId) fail('baseline', { status, body });
  return seen;
}

// ---------------------------------------------------------------------------------------------
// Measurement

/**
 * One autocannon run over `reqs` (each connection sends them in turn), with per-response
 * microsecond latencies, plus the server's (and PostgreSQL backends') CPU per request.
 */
async function measureReqs(
  server: Server,
  pgName: string | null,
  run: {
    route: RouteName;
    dataset: DatasetName;
    round: number;
    reqs: Req[];
    connections: number;
    durationS: number;
  },
): Promise<Measurement> {
  const load0 = loadavg()[0] ?? 0;
  const cpu = startCpuMeter(server.pid, pgName);
  const m = await new Promise<LoadResult>((ok, fail) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: server.base,
        connections: run.connections,
        duration: run.durationS,
        timeout: 10,
        requests: run.reqs.map((r) => ({ method: 'GET', path: r.path, headers: { cookie: r.cookie } })),
      },
      (err, result) => {
        if (err) return fail(err);
        ok({
          connections: run.connections,
          durationS: round3(result.duration),
          requests: result.requests.total,
          requestsPerSec: Math.round(result.requests.total / result.duration),
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
  const { serverCpuUs, dbCpuUs } = cpu.perRequest(m.requests);
  checkClean(m, `${run.dataset} ${run.route} at ${run.connections} connections`);
  return {
    route: run.route,
    dataset: run.dataset,
    path: run.reqs.map((r) => r.path).join(' '),
    round: run.round,
    ...m,
    serverCpuUsPerRequest: serverCpuUs,
    dbCpuUsPerRequest: dbCpuUs,
    loadAvg: [round3(load0), round3(loadavg()[0] ?? 0)],
  };
}

interface RouteSummary {
  route: RouteName;
  connections: number;
  /** The round with the median p95 at 1 connection, the median req/s otherwise. */
  median: Measurement;
  /** Median over rounds of (route req/s ÷ baseline req/s in the same round). */
  ratio: number | null;
  roundRatios: number[];
  roundP95: number[];
}

interface DatasetResult {
  dataset: DatasetName;
  info: ItemsDatasetInfo;
  targets: ItemTargets;
  checks: Record<string, string>;
  measurements: Measurement[];
  summary: RouteSummary[];
}

interface DialectResult {
  dialect: DialectName;
  database: string;
  datasets: DatasetResult[];
  targets: { what: string; value: number; target: string; met: boolean }[];
}

async function runRounds(
  server: Server,
  pgName: string | null,
  dataset: DatasetName,
  routes: RouteName[],
  reqs: Record<RouteName, Req[]>,
  connections: number,
  out: Measurement[],
) {
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? routes : [...routes].reverse();
    for (const route of order) {
      if (interrupted()) throw new Error('interrupted');
      const m = await measureReqs(server, pgName, {
        route,
        dataset,
        round,
        reqs: reqs[route],
        connections,
        durationS: options.durationS,
      });
      out.push(m);
      console.log(describeMeasurement(m, route, 20));
    }
  }
}

function summarize(measurements: Measurement[]): RouteSummary[] {
  const out: RouteSummary[] = [];
  const conns = [...new Set(measurements.map((m) => m.connections))].sort((a, b) => b - a);
  for (const connections of conns) {
    for (const route of ROUTES) {
      const runs = measurements.filter((m) => m.route === route && m.connections === connections);
      if (!runs.length) continue;
      const roundRatios: number[] = [];
      if (route !== 'baseline') {
        for (const x of runs) {
          const b = measurements.find(
            (m) => m.route === 'baseline' && m.connections === connections && m.round === x.round,
          );
          if (b) roundRatios.push(round3(x.requestsPerSec / b.requestsPerSec));
        }
      }
      out.push({
        route,
        connections,
        median:
          connections === 1 ? median(runs, (m) => m.latencyMs.p95) : median(runs, (m) => m.requestsPerSec),
        ratio: roundRatios.length ? median(roundRatios, (r) => r) : null,
        roundRatios,
        roundP95: runs.map((m) => m.latencyMs.p95),
      });
    }
  }
  return out;
}

async function benchDataset(dialect: DialectName, dataset: DatasetName): Promise<DatasetResult> {
  const db = await scratchDatabase(dialect, options.pgAdminUrl);
  const throughput = options.throughputOn.includes(dialect);
  const plannedS =
    (options.routes.length + (throughput ? THROUGHPUT_ROUTES.length : 0)) *
    (options.warmupS + options.rounds * (options.durationS + 1));
  const maxSeconds = 600 + 2 * plannedS;

  // Users and the workspace through the real API.
  let server = await startServer(dialect, db, { cpuProf: false, maxSeconds });
  console.log(`\n${dialect} ${dataset}: database ${db.label}; setup server pid ${server.pid}`);
  const tag = randomBytes(4).toString('hex');
  const users = {} as Record<BenchRole, BenchUser>;
  const cookies = {} as Cookies;
  for (const role of BENCH_ROLES) {
    const email = `bench-${role}-${tag}@example.com`;
    const name = `Bench ${role[0]?.toUpperCase()}${role.slice(1)}`;
    const { cookie, userId } = await signUp(server, { email, name });
    users[role] = { id: userId, email, name };
    cookies[role] = cookie;
  }
  const workspaceId = await createWorkspace(server, cookies.admin, `Bench Library ${dataset}`);
  await stopServer(server.child);

  console.log(`  building dataset ${dataset} (${JSON.stringify(DATASETS[dataset])})`);
  const { info, targets } = await buildItems(dialect, db.url, dataset, workspaceId, users);
  console.log(
    `  built in ${info.totalSeconds} s (${JSON.stringify(info.seconds)}): ${info.members} members, ` +
      `${info.items} items (${info.folders} folders nested to depth ${info.maxFolderDepth}), ${info.grants} grants ` +
      `(sharee ${info.grantsOfSharee}, busiest other ${info.grantsOfBusiestOther})`,
  );
  const result: DatasetResult = { dataset, info, targets, checks: {}, measurements: [], summary: [] };
  if (options.buildOnly) return result;

  server = await startServer(dialect, db, { cpuProf: options.cpuProf, maxSeconds });
  console.log(`  server pid ${server.pid} on ${server.base}`);
  const reqs = routeRequests(workspaceId, targets, cookies);
  result.checks = await verify(server, dataset, workspaceId, targets, cookies, reqs, users);
  console.log(`  checks: ${JSON.stringify(result.checks)}`);

  const all = [...new Set([...options.routes, ...(throughput ? THROUGHPUT_ROUTES : [])])];
  const warmConns = throughput ? options.concurrency : 10;
  for (const route of all) {
    const w = await measureReqs(server, null, {
      route,
      dataset,
      round: 0,
      reqs: reqs[route],
      connections: warmConns,
      durationS: options.warmupS,
    });
    console.log(`  warm-up ${route}: ${w.requestsPerSec} req/s at ${warmConns} connections`);
  }
  await runRounds(server, db.pgName, dataset, options.routes, reqs, 1, result.measurements);
  if (throughput)
    await runRounds(
      server,
      db.pgName,
      dataset,
      THROUGHPUT_ROUTES,
      reqs,
      options.concurrency,
      result.measurements,
    );
  await stopServer(server.child);
  if (server.child.exitCode !== 0)
    console.error(`  server exited with code ${server.child.exitCode} (${server.child.signalCode ?? ''})`);
  result.summary = summarize(result.measurements);
  return result;
}

function dialectTargets(dialect: DialectName, datasets: DatasetResult[]): DialectResult['targets'] {
  const targets: DialectResult['targets'] = [];
  const L = datasets.find((d) => d.dataset === 'L');
  const S = datasets.find((d) => d.dataset === 'S');
  const at = (d: DatasetResult | undefined, route: RouteName, conns: number) =>
    d?.summary.find((s) => s.route === route && s.connections === conns);
  for (const route of GET_ROUTES) {
    const l = at(L, route, 1);
    if (!l) continue;
    targets.push({
      what: `L ${route}: p95 at 1 connection (ms)`,
      value: l.median.latencyMs.p95,
      target: `<= ${TARGET.getP95Ms}`,
      met: l.median.latencyMs.p95 <= TARGET.getP95Ms,
    });
    const s = at(S, route, 1);
    if (s) {
      const growth = round3(l.median.latencyMs.p95 / s.median.latencyMs.p95);
      targets.push({
        what: `${route}: p95 on L ÷ p95 on S`,
        value: growth,
        target: `<= ${TARGET.getGrowth}`,
        met: growth <= TARGET.getGrowth,
      });
    }
  }
  for (const route of LIST_ROUTES) {
    const l = at(L, route, 1);
    if (l)
      targets.push({
        what: `L ${route}: p95 at 1 connection (ms)`,
        value: l.median.latencyMs.p95,
        target: `<= ${TARGET.listP95Ms}`,
        met: l.median.latencyMs.p95 <= TARGET.listP95Ms,
      });
  }
  if (dialect === 'postgres') {
    for (const d of datasets) {
      for (const route of ['get-mix', 'get-deep-inherit'] as const) {
        const x = at(d, route, options.concurrency);
        if (x?.ratio != null)
          targets.push({
            what: `${d.dataset} ${route}: req/s ÷ baseline at ${options.concurrency} connections`,
            value: x.ratio,
            target: `>= ${TARGET.ratio}`,
            met: x.ratio >= TARGET.ratio,
          });
      }
    }
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Report

function report(results: DialectResult[]) {
  const rows: string[][] = [
    ['database', 'data', 'conns', 'route', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU µs/req', '÷ baseline'],
  ];
  for (const r of results) {
    for (const d of r.datasets) {
      for (const x of d.summary) {
        const m = x.median;
        rows.push([
          r.dialect,
          d.dataset,
          String(x.connections),
          x.route,
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
  printTable(rows, 4);
  for (const route of ROUTES) console.log(`  ${route.padEnd(20)} ${ROUTE_LABELS[route]}`);
  console.log('');
  for (const r of results) {
    for (const d of r.datasets)
      console.log(
        `${r.dialect} ${d.dataset}: built in ${d.info.totalSeconds} s ${JSON.stringify(d.info.seconds)}`,
      );
    for (const t of r.targets)
      console.log(`${r.dialect}: ${t.what} = ${t.value} (target ${t.target}): ${t.met ? 'met' : 'NOT met'}`);
  }
}

async function main() {
  const startedAt = new Date();
  const results: DialectResult[] = [];
  try {
    for (const dialect of options.dialects) {
      const datasets: DatasetResult[] = [];
      for (const dataset of options.datasets) {
        datasets.push(await benchDataset(dialect, dataset));
        await cleanupAll(); // this dataset's server and database are gone before the next starts
      }
      results.push({
        dialect,
        database: dialect === 'sqlite' ? 'SQLite (better-sqlite3, WAL)' : 'PostgreSQL (pg pool, max 10)',
        datasets,
        targets: options.buildOnly ? [] : dialectTargets(dialect, datasets),
      });
    }
  } finally {
    await cleanupAll();
  }
  report(results);

  const out = {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `npm run bench:items${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    git: gitState(),
    machine: machineInfo(),
    options: {
      ...options,
      out: undefined,
      targets: TARGET,
      pageSize: PAGE,
      datasetSpecs: DATASETS,
      routeLabels: ROUTE_LABELS,
    },
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
