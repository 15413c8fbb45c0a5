/**
 * `npm run bench`: every hot scenario against two floors started in the same run, on SQLite and on
 * PostgreSQL (issue 12). For each dialect:
 *
 * 1. A scratch database; the product server (`bench/server.ts`, which runs the migrations) and the
 *    bare floor (`bench/bare-server.ts`: bare Fastify + one prepared primary-key select on the same
 *    database, no product code), both child processes killed by PID.
 * 2. Data through the real HTTP API: an admin, a workspace with a folder of 60 items, an API key,
 *    a member (invited and accepted over HTTP) with 40 items shared with them; a second workspace
 *    filled in bulk with 10,000 members (bench/members-data.ts) for the members page.
 * 3. autocannon from this process, at each of `--connections` (default 50 and 1): the bare floor,
 *    the product's one-PK route (`/bench/baseline/:id`), then every scenario, back to back in each
 *    round (order reversed every other round); before each figure both servers are let finish the
 *    previous figure's backlog (idle under 10% of a core). Each figure has req/s, p50/p95/p99 (per response,
 *    microsecond resolution) and the server's CPU µs per request (its /proc CPU time over the
 *    requests; on PostgreSQL the database backends' too), and the load average around it. The load
 *    generator shares the machine's cores with the server, so CPU per request is the steadier figure.
 * 4. Sequential loops: members page after a write (a role change between reads) and invite +
 *    accept over HTTP (`--loops` times each).
 *
 * Scenarios: me (GET /api/me), item-cookie, item-key (GET /api/items/:id by session cookie and by
 * API key), folder (first page of a 60-item folder, the same URL: a listing cache hit), folder-miss
 * (the same page under a new cursor every request: built every time), shared (shared-with-me, 40
 * items, a cache hit), shared-miss (likewise built every time), members-hit
 * (members page, same URL: a cache hit), members-miss (a different search term every request among
 * 10,000 members), mixed (50 connections only: 90% reads of the above, 10% writes: role changes,
 * invitations, shares, renames; its error count is reported, not fatal). Any non-2xx elsewhere
 * aborts the run.
 *
 * Prints each figure and a summary against the issue's targets; writes bench/results/latest.json
 * (and bench/results/run-<date>.json). `npm run bench:report` puts the summary table into
 * docs/BENCHMARKS.md. Exit code 1 when a target is missed.
 *
 * Options (flag, or env):
 *   --dialect sqlite|postgres|both   BENCH_DIALECT      (default both)
 *   --duration <s>                   BENCH_DURATION     per measurement (default 5)
 *   --warmup <s>                     BENCH_WARMUP       per scenario, at the largest connection count (default 1)
 *   --rounds <n>                     BENCH_ROUNDS       rounds of each measurement; the median round is reported (default 1)
 *   --connections <a,b>              BENCH_CONNECTIONS  (default 50,1)
 *   --scenarios <list>               BENCH_SCENARIOS    subset of the scenarios above plus members-write, invite
 *                                                       (default all; the two floors always run)
 *   --members <n>                    BENCH_MEMBERS      members of the members workspace (default 10000)
 *   --loops <n>                      BENCH_LOOPS        iterations of the sequential loops (default 100)
 *   --pg-admin-url <url>             BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test);
 *                                                       only used to CREATE/DROP troupe_bench_<random>
 *   --cpu-prof                       BENCH_CPU_PROF=1   both servers under --cpu-prof (bench/results/profiles/)
 *   --log-level <level>              BENCH_LOG_LEVEL    the product server's LOG_LEVEL (default silent; `info` is
 *                                                       production's: two log lines a request, to a pipe this process drains)
 *   --pg-waits                       BENCH_PG_WAITS=1   on PostgreSQL, what the product server's connections were doing
 *                                                       during each measurement (pg_stat_activity every 20 ms; in the JSON)
 *   --server-log <prefix>            BENCH_SERVER_LOG   the product server's log to <prefix>-<dialect>.log (at --log-level
 *                                                       info unless given), each measurement marked in it:
 *                                                       `npm run bench:routes -- <file>` gives its latency by route
 *   --out <file>                     BENCH_OUT          (default bench/results/latest.json)
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { encodeCursor } from '../src/app/members/cursor.ts';
import type { DataSource } from '../src/data/db.ts';
import {
  BENCH_APP,
  backendPids,
  call,
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  dialectsOption,
  gitState,
  interrupted,
  latencySummary,
  machineInfo,
  median,
  nextClient,
  onCleanup,
  type PgWaits,
  positiveNumber,
  printTable,
  processCpuUs,
  type Req,
  resultsDir,
  round3,
  type ScratchDb,
  type Server,
  samplePgWaits,
  scratchDatabase,
  signUp,
  startCpuMeter,
  startServer,
  withApplicationName,
} from './lib.ts';
import {
  fillWorkspace,
  inviteAndAccept,
  openDataSource,
  signUpInvitees,
  verifyEmail,
} from './members-data.ts';
import { MARK } from './server-log.ts';

const LOAD_SCENARIOS = [
  'me',
  'item-cookie',
  'item-key',
  'folder',
  'folder-miss',
  'shared',
  'shared-miss',
  'members-hit',
  'members-miss',
  'mixed',
] as const;
const LOOP_SCENARIOS = ['members-write', 'invite'] as const;
type LoadScenario = (typeof LOAD_SCENARIOS)[number];
type LoopScenario = (typeof LOOP_SCENARIOS)[number];
type Route = 'bare' | 'baseline' | LoadScenario;

// ---------------------------------------------------------------------------------------------
// Options

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    scenarios: { type: 'string' },
    members: { type: 'string' },
    loops: { type: 'string' },
    'pg-admin-url': { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    'log-level': { type: 'string' },
    'server-log': { type: 'string' },
    'pg-waits': { type: 'boolean' },
    out: { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const allScenarios: string[] = [...LOAD_SCENARIOS, ...LOOP_SCENARIOS];
const scenarios = (flags.scenarios ?? env.BENCH_SCENARIOS ?? allScenarios.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of scenarios)
  if (!allScenarios.includes(s))
    throw new Error(`--scenarios: unknown "${s}" (known: ${allScenarios.join(', ')})`);
const serverLog = (flags['server-log'] ?? env.BENCH_SERVER_LOG ?? '') || null;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  durationS: positiveNumber('--duration', flags.duration ?? env.BENCH_DURATION, 5, 300),
  warmupS: positiveNumber('--warmup', flags.warmup ?? env.BENCH_WARMUP, 1, 60),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 1, 10)),
  connections: (flags.connections ?? env.BENCH_CONNECTIONS ?? '50,1')
    .split(',')
    .map((c) => Math.round(positiveNumber('--connections', c.trim(), 1, 500))),
  scenarios,
  members: Math.round(positiveNumber('--members', flags.members ?? env.BENCH_MEMBERS, 10_000, 200_000)),
  loops: Math.round(positiveNumber('--loops', flags.loops ?? env.BENCH_LOOPS, 100, 10_000)),
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  cpuProf: flags['cpu-prof'] ?? env.BENCH_CPU_PROF === '1',
  pgWaits: flags['pg-waits'] ?? env.BENCH_PG_WAITS === '1',
  serverLog,
  logLevel: flags['log-level'] ?? env.BENCH_LOG_LEVEL ?? (serverLog ? 'info' : 'silent'),
  out: resolve(flags.out ?? env.BENCH_OUT ?? join(resultsDir, 'latest.json')),
};
const loadScenarios = LOAD_SCENARIOS.filter((s) => scenarios.includes(s));
const has = (s: LoadScenario | LoopScenario) => scenarios.includes(s);

// ---------------------------------------------------------------------------------------------
// Data

interface Fixture {
  wsId: string;
  membersWsId: string;
  itemId: string;
  folderId: string;
  itemIds: string[];
  sharedIds: string[];
  adminCookie: string;
  memberCookie: string;
  memberUserId: string;
  apiKey: string;
  /** Members of the members workspace whose role the writes flip. */
  flipUserIds: string[];
  /** Invitees signed up and verified in advance (the invite loop). */
  invitees: { cookie: string; email: string }[];
}

async function prepare(
  dialect: DialectName,
  server: Server,
  db: ScratchDb,
  data: DataSource,
): Promise<Fixture> {
  const tag = randomBytes(3).toString('hex');
  const admin = await signUp(server, { email: `bench-admin-${tag}@example.com`, name: 'Bench Admin' });
  await verifyEmail(data, dialect, admin.userId);
  const adminCookie = admin.cookie;
  const wsId = await createWorkspace(server, adminCookie, 'Bench Studio');
  const membersWsId = await createWorkspace(server, adminCookie, 'Bench Members');
  // Seats for the invitations the run accepts.
  await data.db.updateTable('workspaces').set({ seat_limit: 100_000 }).where('id', '=', wsId).execute();

  const post = (path: string, body: unknown, cookie = adminCookie) =>
    call(server, { method: 'POST', path, headers: { cookie }, body: () => body }) as Promise<{ id: string }>;
  const folder = await post(`/api/workspaces/${wsId}/items`, { kind: 'folder', title: 'Bench Folder' });
  const itemIds: string[] = [];
  for (let i = 0; i < 60; i++)
    itemIds.push(
      (
        await post(`/api/workspaces/${wsId}/items`, {
          kind: 'draft',
          title: `Draft ${i}`,
          parentId: folder.id,
        })
      ).id,
    );
  const apiKey = (
    (await post(`/api/workspaces/${wsId}/api-keys`, { name: 'Bench key' })) as unknown as { key: string }
  ).key;

  // A Viewer member, through invite + accept over HTTP, with 40 items shared with them.
  const memberEmail = `bench-member-${tag}@example.com`;
  const member = await signUp(server, { email: memberEmail, name: 'Bench Member' });
  await verifyEmail(data, dialect, member.userId);
  await inviteAndAccept(
    server,
    data,
    { wsId, adminCookie },
    { cookie: member.cookie, email: memberEmail },
    'viewer',
  );
  const sharedIds = itemIds.slice(0, 40);
  for (const id of sharedIds)
    await call(server, {
      method: 'PUT',
      path: `/api/items/${id}/grants/${member.userId}`,
      headers: { cookie: adminCookie },
      body: () => ({ permission: 'view' }),
    });

  // The members workspace: bulk-filled.
  if (has('members-hit') || has('members-miss') || has('members-write') || has('mixed')) {
    const info = await fillWorkspace(dialect, db.url, {
      workspaceId: membersWsId,
      adminUserId: admin.userId,
      members: options.members,
      invitations: 50,
      joinRequests: 20,
    });
    console.log(`  members workspace: ${info.members} members filled in ${info.seconds} s`);
  }
  const flipUserIds = (
    await data.db
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', membersWsId)
      .where('role', '=', 'viewer')
      .limit(20)
      .execute()
  ).map((r) => r.user_id);

  const invitees: Fixture['invitees'] = has('invite')
    ? await signUpInvitees(server, data, dialect, Math.min(options.loops, 200) + 1, `bench-invitee-${tag}`)
    : [];

  // Every read answers what it should before anything is measured.
  const me = (await call(server, { path: '/api/me', headers: { cookie: adminCookie } })) as {
    workspaces: unknown[];
  };
  if (me.workspaces.length !== 2) throw new Error('GET /api/me: expected 2 workspaces');
  const item = (await call(server, {
    path: `/api/items/${itemIds[0]}`,
    headers: { cookie: adminCookie },
  })) as {
    id: string;
  };
  if (item.id !== itemIds[0]) throw new Error('GET /api/items/:id is not right');
  const byKey = (await call(server, {
    path: `/api/items/${itemIds[0]}`,
    headers: { authorization: `Bearer ${apiKey}` },
  })) as { id: string };
  if (byKey.id !== itemIds[0]) throw new Error('GET /api/items/:id by API key is not right');
  const shared = (await call(server, {
    path: `/api/workspaces/${wsId}/items?view=shared`,
    headers: { cookie: member.cookie },
  })) as { items: unknown[] };
  if (shared.items.length !== 40)
    throw new Error(`shared-with-me: ${shared.items.length} items, expected 40`);

  return {
    wsId,
    membersWsId,
    itemId: itemIds[0] as string,
    folderId: folder.id,
    itemIds,
    sharedIds,
    adminCookie,
    memberCookie: member.cookie,
    memberUserId: member.userId,
    apiKey,
    flipUserIds,
    invitees,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/** A different search term for every request: 2-4 letters (many match nobody: a full read). */
function termSource(): () => string {
  let i = 0;
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  // 2 letters (676), then 3 (17,576), then 4: each term once, in a scrambled order within a length.
  return () => {
    const n = i++;
    const [len, k, size] =
      n < 676 ? [2, n, 676] : n < 676 + 17_576 ? [3, n - 676, 17_576] : [4, n - 18_252, 456_976];
    const j = (k * 7_919) % size; // 7,919 is prime, coprime with 26^n: a permutation
    let s = '';
    for (let d = 0, x = j; d < len; d++, x = Math.floor(x / 26)) s += letters[x % 26];
    return s;
  };
}
const nextTerm = termSource();

/**
 * A listing cursor never given out before that sorts before every row of the page: by name, a
 * kind rank below every item's (folders are 0) and a new id; Shared with me, a share time after
 * every share's (newest first). Valid cursors, so each request builds the first page afresh.
 */
let cursorN = 0;
function nextCursor(route: 'folder-miss' | 'shared-miss'): string {
  cursorN++;
  return encodeCursor(
    route === 'folder-miss' ? ['-1', '', `c${cursorN}`] : [String(Number.MAX_SAFE_INTEGER - cursorN), 'c'],
  );
}

function scenarioRequests(route: Route, f: Fixture): Req[] {
  const cookie = { cookie: f.adminCookie };
  const members = `/api/workspaces/${f.membersWsId}/members?limit=50`;
  switch (route) {
    case 'bare':
      return [{ path: `/bare/${f.wsId}` }];
    case 'baseline':
      return [{ path: `/bench/baseline/${f.wsId}`, headers: cookie }];
    case 'me':
      return [{ path: '/api/me', headers: cookie }];
    case 'item-cookie':
      return [{ path: `/api/items/${f.itemId}`, headers: cookie }];
    case 'item-key':
      return [{ path: `/api/items/${f.itemId}`, headers: { authorization: `Bearer ${f.apiKey}` } }];
    case 'folder':
      return [{ path: `/api/workspaces/${f.wsId}/items?parentId=${f.folderId}`, headers: cookie }];
    case 'shared':
      return [{ path: `/api/workspaces/${f.wsId}/items?view=shared`, headers: { cookie: f.memberCookie } }];
    // The path is replaced per request (setupRequest below): a cursor no request used before that
    // comes before every row, so the same rows as the first page, built every time.
    case 'folder-miss':
      return [{ path: `/api/workspaces/${f.wsId}/items?parentId=${f.folderId}&cursor=`, headers: cookie }];
    case 'shared-miss':
      return [
        { path: `/api/workspaces/${f.wsId}/items?view=shared&cursor=`, headers: { cookie: f.memberCookie } },
      ];
    case 'members-hit':
      return [{ path: members, headers: cookie }];
    case 'members-miss':
      // The path is replaced per request (setupRequest below).
      return [{ path: `${members}&q=`, headers: cookie }];
    case 'mixed':
      return mixedRequests(f);
  }
}

/** 40 requests a connection cycles through: 36 reads of the scenarios above, 4 writes. */
function mixedRequests(f: Fixture): Req[] {
  const reads: Req[] = (
    ['me', 'item-cookie', 'item-key', 'folder', 'shared', 'members-hit'] as Route[]
  ).flatMap((r) => scenarioRequests(r, f));
  let n = 0;
  const roles = ['viewer', 'creator'];
  const writes: Req[] = [
    {
      method: 'PATCH',
      path: `/api/workspaces/${f.membersWsId}/members/${f.flipUserIds[0]}`,
      headers: { cookie: f.adminCookie },
      body: () => ({ role: roles[n++ % 2] }),
    },
    {
      method: 'POST',
      path: `/api/workspaces/${f.wsId}/invitations`,
      headers: { cookie: f.adminCookie },
      body: () => ({ emails: [`mixed-${randomBytes(6).toString('hex')}@invitees.example`], role: 'viewer' }),
    },
    {
      method: 'PUT',
      path: `/api/items/${f.itemIds[50]}/grants/${f.memberUserId}`,
      headers: { cookie: f.adminCookie },
      body: () => ({ permission: n++ % 2 ? 'view' : 'edit' }),
    },
    {
      method: 'PATCH',
      path: `/api/items/${f.itemIds[59]}`,
      headers: { cookie: f.adminCookie },
      body: () => ({ title: `Renamed ${n++}` }),
    },
  ];
  const list: Req[] = [];
  for (let i = 0; i < 36; i++) {
    list.push(reads[i % reads.length] as Req);
    if (i % 9 === 8) list.push(writes[(i - 8) / 9] as Req);
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Measurement

interface Figure {
  route: Route;
  connections: number;
  round: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  errors: number;
  /** Server CPU per request (µs), the server that answered (bare floor or product). */
  serverCpuUs: number | null;
  /** PostgreSQL backends' CPU per request (µs); null on SQLite. */
  dbCpuUs: number | null;
  loadAvg: [number, number];
  /** `--pg-waits`: what the product server's PostgreSQL connections were doing. */
  pgWaits?: PgWaits;
}

/**
 * Waits until both servers are idle (under 10% of a core over 200 ms, at most 15 s): a heavy
 * scenario leaves a backlog of accepted requests that the server is still answering when the load
 * generator stops, and the next figure (often the bare floor) must not share the cores with it.
 */
async function settle(pids: number[]): Promise<void> {
  const cpu = () => pids.reduce((sum, pid) => sum + (processCpuUs(pid) ?? 0), 0);
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const a = cpu();
    await new Promise((r) => setTimeout(r, 200));
    if (cpu() - a < 20_000) return;
  }
}

async function load(
  server: Server,
  db: ScratchDb,
  route: Route,
  reqs: Req[],
  connections: number,
  durationS: number,
  round: number,
): Promise<Figure> {
  const load0 = loadavg()[0] ?? 0;
  const waits =
    options.pgWaits && db.pgName && round > 0 && route !== 'bare'
      ? await samplePgWaits(options.pgAdminUrl, db.pgName)
      : null;
  const cpu = startCpuMeter(server.pid, db.pgName);
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((ok, fail) => {
    const instance = autocannon(
      {
        url: server.base,
        connections,
        duration: durationS,
        timeout: 10,
        requests: reqs.map((r) => ({
          method: r.method ?? 'GET',
          path: r.path,
          headers: {
            ...(r.body ? { 'content-type': 'application/json', origin: server.origin } : {}),
            ...r.headers,
          },
          setupRequest: (req: autocannon.Request) => {
            const out = { ...req };
            if (r.body) out.body = JSON.stringify(r.body());
            if (r.method === 'POST' && r.path.endsWith('/invitations'))
              out.headers = { ...req.headers, 'x-forwarded-for': nextClient() };
            if (route === 'members-miss') out.path = `${r.path}${nextTerm()}`;
            if (route === 'folder-miss' || route === 'shared-miss')
              out.path = `${r.path}${nextCursor(route)}`;
            return out;
          },
        })),
      },
      (err, res) => (err ? fail(err) : ok(res)),
    );
    instance.on('response', (_c, _s, _b, responseTime) => latencies.push(responseTime));
  });
  const used = cpu.perRequest(result.requests.total);
  const pgWaits = waits ? await waits.stop() : null;
  const requests = result.requests.total;
  const errors = result.non2xx + result.errors + result.timeouts;
  if (errors && route !== 'mixed')
    throw new Error(
      `${route} at ${connections} connections: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  return {
    route,
    connections,
    round,
    requests,
    requestsPerSec: Math.round(requests / result.duration),
    latencyMs: latencySummary(latencies),
    errors,
    ...used,
    loadAvg: [round3(load0), round3(loadavg()[0] ?? 0)],
    ...(pgWaits ? { pgWaits } : {}),
  };
}

const describeFigure = (m: Figure) =>
  `  ${m.route.padEnd(12)} c=${String(m.connections).padStart(3)} r${m.round}: ${String(m.requestsPerSec).padStart(6)} req/s, ` +
  `p50 ${m.latencyMs.p50} p95 ${m.latencyMs.p95} p99 ${m.latencyMs.p99} ms, CPU ${m.serverCpuUs ?? '?'}` +
  `${m.dbCpuUs !== null ? ` + db ${m.dbCpuUs}` : ''} µs/req${m.errors ? `, ${m.errors} errors` : ''}, load ${m.loadAvg[0]}→${m.loadAvg[1]}` +
  (m.pgWaits ? `\n${describeWaits(m.pgWaits)}` : '');

/** `--pg-waits`: each state's share of the connection-samples, then the statements that waited for a lock. */
function describeWaits(w: PgWaits): string {
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  const states = Object.entries(w.states).map(([k, v]) => `${k} ${pct(v)}`);
  const locked = Object.entries(w.lockedStatements)
    .slice(0, 3)
    .map(([q, n]) => `      ${n} × ${q}`);
  return [
    `      PostgreSQL, ${w.connections} connections over ${w.samples} samples: ${states.join(', ')}`,
    ...(locked.length ? ['      waiting for a lock:', ...locked] : []),
  ].join('\n');
}

interface LoopFigure {
  scenario: LoopScenario;
  calls: number;
  ms: { mean: number; p50: number; p95: number; p99: number; max: number };
  /**
   * CPU µs an iteration (both of its calls, timed or not), the product server's; on PostgreSQL
   * also its backends' (not the benchmark's own connections, which read the invitation mail).
   */
  serverCpuUs: number | null;
  dbCpuUs: number | null;
  loadAvg: [number, number];
}

/** What a loop measures around its iterations: their load average and their CPU (LoopFigure). */
function loopMeter(server: Server, db: ScratchDb, own: () => Promise<ReadonlySet<number>>) {
  const load0 = loadavg()[0] ?? 0;
  const cpu = startCpuMeter(server.pid, db.pgName);
  return async (scenario: LoopScenario, times: number[]): Promise<LoopFigure> => ({
    scenario,
    calls: times.length,
    ms: latencySummary(times),
    ...cpu.perRequest(times.length, await own()),
    loadAvg: [round3(load0), round3(loadavg()[0] ?? 0)],
  });
}

/** Members page, a different term each time, right after a role change (the cache is stale). */
async function membersAfterWrite(
  server: Server,
  f: Fixture,
  meter: () => ReturnType<typeof loopMeter>,
): Promise<LoopFigure> {
  const measured = meter();
  const times: number[] = [];
  const roles = ['creator', 'viewer'];
  for (let i = 0; i < options.loops; i++) {
    if (interrupted()) throw new Error('interrupted');
    await call(server, {
      method: 'PATCH',
      path: `/api/workspaces/${f.membersWsId}/members/${f.flipUserIds[i % f.flipUserIds.length]}`,
      headers: { cookie: f.adminCookie },
      body: () => ({ role: roles[Math.floor(i / f.flipUserIds.length) % 2] }),
    });
    const t0 = performance.now();
    await call(server, {
      path: `/api/workspaces/${f.membersWsId}/members?limit=50`,
      headers: { cookie: f.adminCookie },
    });
    times.push(performance.now() - t0);
  }
  return measured('members-write', times);
}

async function inviteLoop(
  server: Server,
  data: DataSource,
  f: Fixture,
  meter: () => ReturnType<typeof loopMeter>,
): Promise<LoopFigure> {
  const [first, ...rest] = f.invitees;
  if (!first) throw new Error('no invitees');
  await inviteAndAccept(server, data, f, first); // warm-up
  const measured = meter();
  const times: number[] = [];
  for (const invitee of rest) {
    if (interrupted()) throw new Error('interrupted');
    times.push(await inviteAndAccept(server, data, f, invitee));
  }
  return measured('invite', times);
}

// ---------------------------------------------------------------------------------------------
// Targets (issue 12)

interface Target {
  what: string;
  target: string;
  value: number | null;
  unit: 'x' | 'ms' | 'errors';
  met: boolean | null;
  /** For ratios: floor CPU per request ÷ the scenario's (server + database): the ratio a CPU-bound machine would show. */
  cpuRatio?: number | null;
}

/** Floor's CPU µs per request ÷ the route's (server + PostgreSQL backends), median figures. */
function cpuRatio(
  figures: Figure[],
  route: Route,
  floor: 'bare' | 'baseline',
  connections: number,
): number | null {
  const total = (m: Figure | null) => (m?.serverCpuUs ?? Number.NaN) + (m?.dbCpuUs ?? 0);
  const r = total(pick(figures, floor, connections)) / total(pick(figures, route, connections));
  return Number.isFinite(r) ? round3(r) : null;
}

function pick(figures: Figure[], route: Route, connections: number): Figure | null {
  const runs = figures.filter((m) => m.route === route && m.connections === connections);
  return runs.length ? median(runs, (m) => m.requestsPerSec) : null;
}

/** Median over rounds of route req/s ÷ floor req/s in the same round. */
function ratio(
  figures: Figure[],
  route: Route,
  floor: 'bare' | 'baseline',
  connections: number,
): number | null {
  const r: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const of = (x: Route) =>
      figures.find((m) => m.route === x && m.connections === connections && m.round === round);
    const a = of(route);
    const b = of(floor);
    if (a && b && b.requestsPerSec > 0) r.push(round3(a.requestsPerSec / b.requestsPerSec));
  }
  return r.length ? median(r, (x) => x) : null;
}

function targets(dialect: DialectName, figures: Figure[], loops: LoopFigure[]): Target[] {
  const t: Target[] = [];
  const C = 50;
  const atLeast = (what: string, route: Route, floor: 'bare' | 'baseline', min: number) => {
    const value = ratio(figures, route, floor, C);
    t.push({
      what,
      target: `≥ ${min}x`,
      value,
      unit: 'x',
      met: value === null ? null : value >= min,
      cpuRatio: cpuRatio(figures, route, floor, C),
    });
  };
  if (dialect === 'sqlite') atLeast('one-PK route ÷ bare floor', 'baseline', 'bare', 0.7);
  atLeast('/api/me ÷ bare floor', 'me', 'bare', 0.6);
  for (const r of ['item-cookie', 'item-key'] as const) {
    if (dialect === 'sqlite') atLeast(`${r} ÷ bare floor`, r, 'bare', 0.5);
    else atLeast(`${r} ÷ one-PK route`, r, 'baseline', 0.5);
  }
  const miss1 = pick(figures, 'members-miss', 1);
  t.push({
    what: 'members miss p95, 1 connection',
    target: '≤ 3 ms',
    value: miss1?.latencyMs.p95 ?? null,
    unit: 'ms',
    met: miss1 ? miss1.latencyMs.p95 <= 3 : null,
  });
  atLeast('members miss ÷ one-PK route', 'members-miss', 'baseline', 0.3);
  const mixed = pick(figures, 'mixed', C);
  t.push({
    what: 'mixed: errors',
    target: '0',
    value: mixed?.errors ?? null,
    unit: 'errors',
    met: mixed ? mixed.errors === 0 : null,
  });
  t.push({
    what: 'mixed: p99',
    target: '≤ 50 ms',
    value: mixed?.latencyMs.p99 ?? null,
    unit: 'ms',
    met: mixed ? mixed.latencyMs.p99 <= 50 : null,
  });
  atLeast('mixed ÷ one-PK route', 'mixed', 'baseline', 0.3);
  const inv = loops.find((l) => l.scenario === 'invite');
  t.push({
    what: 'invite + accept p50',
    target: '≤ 5 ms',
    value: inv?.ms.p50 ?? null,
    unit: 'ms',
    met: inv ? inv.ms.p50 <= 5 : null,
  });
  return t.filter((x) => x.value !== null);
}

// ---------------------------------------------------------------------------------------------
// One dialect

interface DialectResult {
  dialect: DialectName;
  figures: Figure[];
  loops: LoopFigure[];
  targets: Target[];
}

async function benchDialect(dialect: DialectName): Promise<DialectResult> {
  console.log(`\n${dialect}`);
  const db = await scratchDatabase(dialect, options.pgAdminUrl);
  const logFile = options.serverLog ? resolve(`${options.serverLog}-${dialect}.log`) : undefined;
  const plannedS =
    60 +
    options.connections.length * (loadScenarios.length + 2) * options.rounds * (options.durationS + 1) * 2;
  const server = await startServer(dialect, db, {
    cpuProf: options.cpuProf,
    maxSeconds: 600 + plannedS,
    // Many sign-ups from loopback; invitations come from many (forwarded) client addresses.
    env: { SIGN_UP_RATE_LIMIT: '100000', TRUST_PROXY: '127.0.0.1', LOG_LEVEL: options.logLevel },
    logFile,
  });
  if (logFile) console.log(`  the product server's log: ${logFile}`);
  /** A request in the product server's log where a measurement starts (bench/route-latency.ts). */
  const mark = async (name: string) => {
    if (logFile) await call(server, { path: `${MARK}${name}` }, [204]);
  };
  // Named, so that the loops' database CPU leaves out this process's own connections.
  const data = openDataSource(dialect, db.pgName ? withApplicationName(db.url, BENCH_APP) : db.url);
  onCleanup(() => data.close());
  const meter = () => loopMeter(server, db, () => backendPids(data, BENCH_APP));
  const fixture = await prepare(dialect, server, db, data);
  const bare = await startServer(dialect, db, {
    cpuProf: options.cpuProf,
    maxSeconds: 600 + plannedS,
    script: 'bench/bare-server.ts',
  });
  console.log(`  product server pid ${server.pid}, bare floor pid ${bare.pid}, database ${db.label}`);
  const serverOf = (r: Route) => (r === 'bare' ? bare : server);

  const routes: Route[] = ['bare', 'baseline', ...loadScenarios];
  const warmC = Math.max(...options.connections);
  await mark('warmup');
  for (const r of routes)
    await load(serverOf(r), db, r, scenarioRequests(r, fixture), warmC, options.warmupS, 0);

  const figures: Figure[] = [];
  for (const connections of options.connections) {
    for (let round = 1; round <= options.rounds; round++) {
      const inRound = routes.filter((r) => r !== 'mixed' || connections === 50);
      const order = round % 2 === 1 ? inRound : [...inRound].reverse();
      for (const r of order) {
        if (interrupted()) throw new Error('interrupted');
        await settle([server.pid, bare.pid]);
        if (r !== 'bare') await mark(`${r}-c${connections}-r${round}`);
        const m = await load(
          serverOf(r),
          db,
          r,
          scenarioRequests(r, fixture),
          connections,
          options.durationS,
          round,
        );
        figures.push(m);
        console.log(describeFigure(m));
      }
    }
  }
  const loops: LoopFigure[] = [];
  await settle([server.pid, bare.pid]);
  if (has('members-write')) {
    await mark('members-write');
    loops.push(await membersAfterWrite(server, fixture, meter));
  }
  if (has('invite')) {
    await mark('invite');
    loops.push(await inviteLoop(server, data, fixture, meter));
  }
  for (const l of loops)
    console.log(
      `  ${l.scenario.padEnd(12)} ${l.calls} calls: p50 ${l.ms.p50} p95 ${l.ms.p95} p99 ${l.ms.p99} ms, ` +
        `CPU ${l.serverCpuUs ?? '?'}${l.dbCpuUs !== null ? ` + db ${l.dbCpuUs}` : ''} µs an iteration, load ${l.loadAvg[0]}→${l.loadAvg[1]}`,
    );
  return { dialect, figures, loops, targets: targets(dialect, figures, loops) };
}

// ---------------------------------------------------------------------------------------------
// Report

function report(results: DialectResult[]) {
  const rows = [
    [
      'db',
      'conns',
      'scenario',
      'req/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'CPU µs/req',
      '÷ bare',
      '÷ 1-PK',
      'load',
    ],
  ];
  for (const r of results) {
    for (const c of options.connections) {
      for (const route of ['bare', 'baseline', ...loadScenarios] as Route[]) {
        const m = pick(r.figures, route, c);
        if (!m) continue;
        const rb = route === 'bare' ? null : ratio(r.figures, route, 'bare', c);
        const rp = route === 'bare' || route === 'baseline' ? null : ratio(r.figures, route, 'baseline', c);
        rows.push([
          r.dialect,
          String(c),
          route,
          String(m.requestsPerSec),
          m.latencyMs.p50.toFixed(2),
          m.latencyMs.p95.toFixed(2),
          m.latencyMs.p99.toFixed(2),
          `${m.serverCpuUs ?? '?'}${m.dbCpuUs !== null ? ` + ${m.dbCpuUs}` : ''}`,
          rb === null ? '' : `${rb.toFixed(2)}x`,
          rp === null ? '' : `${rp.toFixed(2)}x`,
          m.loadAvg[0].toFixed(2),
        ]);
      }
    }
  }
  printTable(rows, 3);
  console.log('Targets (issue 12):');
  for (const r of results)
    for (const t of r.targets)
      console.log(
        `  ${r.dialect.padEnd(8)} ${t.what.padEnd(34)} ${String(t.value).padStart(8)}${t.unit === 'x' ? 'x' : t.unit === 'ms' ? ' ms' : ''}  target ${t.target.padEnd(8)} ${t.met ? 'met' : 'NOT met'}` +
          (t.cpuRatio ? `  (by CPU per request: ${t.cpuRatio}x)` : ''),
      );
}

async function main() {
  const startedAt = new Date();
  // The code the servers run is the tree as the run starts (read again at the end: a change made
  // during the run reaches the servers started after it, and the report says so).
  const git = gitState();
  const load0 = loadavg();
  const results: DialectResult[] = [];
  try {
    for (const dialect of options.dialects) {
      results.push(await benchDialect(dialect));
      await cleanupAll();
    }
  } finally {
    await cleanupAll();
  }
  report(results);
  const out = {
    date: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    git: git && {
      commit: git.commit,
      srcChanged: git.srcChanged,
      changedDuringRun: gitState()?.src !== git.src,
    },
    machine: machineInfo(),
    loadAvgAtStart: load0.map(round3),
    loadAvgAtEnd: loadavg().map(round3),
    options: { ...options, out: undefined },
    results,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(out, null, 2)}\n`);
  copyFileSync(options.out, join(resultsDir, `run-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`));
  console.log(`\nwrote ${options.out} (${out.seconds} s)`);
  if (results.some((r) => r.targets.some((t) => t.met === false))) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
