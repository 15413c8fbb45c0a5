/**
 * `npm run bench:ab -- --before <git revision>`: the CPU per request of this tree against an earlier
 * commit, with an A/A control in the same run (docs/BENCHMARKS.md, "Reading these figures": on
 * this machine two servers of one commit measured up to 1.36x apart when one of them had run the
 * migrations and the setup, or by the order they were measured in).
 *
 * 1. A git worktree of the revision (node_modules linked to this one), removed at the end.
 * 2. A scratch database; a setup server (this tree) runs the migrations and serves the setup
 *    requests (a sign-up, a workspace, an item); it is never measured.
 * 3. Three measured servers with the same (empty) history: A1 and A2 of the revision, B of this
 *    tree. Each round measures every route on each of them, the order rotated by one server a
 *    round. Printed: the median CPU µs per request (server, and on PostgreSQL its backends) and
 *    req/s, and the per-round ratios A2/A1 (the control: how far apart two servers of one commit
 *    come out) and B/A1, B/A2. A difference smaller than the control's spread means nothing.
 *
 * 4. With `invite` among the routes: invite + accept over HTTP (the two calls' wall time, as in
 *    `npm run bench`'s loop), `--pairs` a server a round, pair by pair on each server in turn, so
 *    the three see the same moments of the machine; per round the pairs' p50 and the server's CPU
 *    a pair, and the same ratios.
 *
 * Options: --before <rev> (required), --dialect sqlite|postgres (default sqlite), --routes
 * (one-pk,me,item,invite; default the first three), --rounds (default 8), --duration <s> (default
 * 2), --connections (default 50), --pairs (default 20), --pg-admin-url (default
 * postgres://postgres@127.0.0.1:5432/test).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  call,
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  interrupted,
  measureWithCpu,
  median,
  onCleanup,
  percentile,
  positiveNumber,
  processCpuUs,
  root,
  scratchDatabase,
  signUp,
  startServer,
} from './lib.ts';
import { inviteAndAccept, openDataSource, signUpInvitees, verifyEmail } from './members-data.ts';

const { values: flags } = parseArgs({
  options: {
    before: { type: 'string' },
    dialect: { type: 'string' },
    routes: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    pairs: { type: 'string' },
    'pg-admin-url': { type: 'string' },
  },
});

const ROUTES = ['one-pk', 'me', 'item'] as const;
type Route = (typeof ROUTES)[number];
/** Besides the routes: invite + accept pairs, one at a time, interleaved across the servers. */
const INVITE = 'invite';

async function main() {
  const before = flags.before;
  if (!before) throw new Error('--before <git revision> is required');
  if (flags.dialect && flags.dialect !== 'sqlite' && flags.dialect !== 'postgres')
    throw new Error('--dialect must be sqlite or postgres');
  const dialect: DialectName = flags.dialect === 'postgres' ? 'postgres' : 'sqlite';
  const asked = (flags.routes ?? ROUTES.join(',')).split(',');
  for (const r of asked)
    if (r !== INVITE && !ROUTES.includes(r as Route)) throw new Error(`unknown route ${r}`);
  const routes = asked.filter((r): r is Route => r !== INVITE);
  const invite = asked.includes(INVITE);
  const pairs = positiveNumber('--pairs', flags.pairs, 20, 500);
  const rounds = positiveNumber('--rounds', flags.rounds, 8, 100);
  const durationS = positiveNumber('--duration', flags.duration, 2, 60);
  const connections = positiveNumber('--connections', flags.connections, 50, 1000);

  // The earlier commit, checked out beside this tree.
  const commit = execFileSync('git', ['rev-parse', '--verify', `${before}^{commit}`], { cwd: root })
    .toString()
    .trim();
  const dir = mkdtempSync(join(tmpdir(), 'troupe-ab-'));
  const worktree = join(dir, 'before');
  execFileSync('git', ['worktree', 'add', '--quiet', '--detach', worktree, commit], { cwd: root });
  onCleanup(async () => {
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: root });
    rmSync(dir, { recursive: true, force: true });
  });
  symlinkSync(join(root, 'node_modules'), join(worktree, 'node_modules'));
  const beforeScript = join(worktree, 'bench/server.ts');

  const db = await scratchDatabase(dialect, flags['pg-admin-url'] ?? DEFAULT_PG_ADMIN_URL);
  // As in `npm run bench`: sign-ups not limited (the invitees), client addresses from X-Forwarded-For.
  const opts = {
    cpuProf: false,
    maxSeconds: 3600,
    env: { SIGN_UP_RATE_LIMIT: '100000', TRUST_PROXY: '127.0.0.1' },
  };
  const setup = await startServer(dialect, db, opts);
  const admin = await signUp(setup, { email: 'ab-admin@example.com', name: 'AB Admin' });
  const data = openDataSource(dialect, db.url);
  onCleanup(() => data.close());
  await verifyEmail(data, dialect, admin.userId);
  const ws = await createWorkspace(setup, admin.cookie, 'AB Studio');
  const created = (await call(
    setup,
    {
      method: 'POST',
      path: `/api/workspaces/${ws}/items`,
      headers: { cookie: admin.cookie },
      body: () => ({ kind: 'draft', title: 'AB Draft' }),
    },
    [201],
  )) as { id: string };
  const itemId = created.id;
  const paths: Record<Route, string> = {
    'one-pk': `/bench/baseline/${ws}`,
    me: '/api/me',
    item: `/api/items/${itemId}`,
  };

  // Invitees for the invite + accept pairs: one for each pair (a warm-up and `rounds * pairs` a server).
  let invitees: { cookie: string; email: string }[] = [];
  if (invite) {
    await data.db.updateTable('workspaces').set({ seat_limit: 100_000 }).where('id', '=', ws).execute();
    invitees = await signUpInvitees(setup, data, dialect, (rounds * pairs + 1) * 3, 'ab-invitee');
  }
  const nextInvitee = () => {
    const next = invitees.shift();
    if (!next) throw new Error('out of invitees');
    return next;
  };

  const servers = [
    { name: 'A1', server: await startServer(dialect, db, { ...opts, script: beforeScript }) },
    { name: 'A2', server: await startServer(dialect, db, { ...opts, script: beforeScript }) },
    { name: 'B', server: await startServer(dialect, db, opts) },
  ];
  /** The servers in the order of a round: rotated by one each round. */
  const inOrder = (round: number) =>
    servers.map((_, i) => servers[(i + round) % servers.length] as (typeof servers)[number]);
  console.log(
    `A = ${commit.slice(0, 7)} (two servers), B = this tree; ${dialect}, ${connections} connections, ${rounds} rounds of ${durationS} s`,
  );

  const cpu = new Map<string, number[]>();
  const rps = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, v: number) => {
    const list = m.get(key);
    if (list) list.push(v);
    else m.set(key, [v]);
  };
  for (let round = 0; round < rounds; round++) {
    const order = inOrder(round);
    for (const route of routes) {
      for (const { name, server } of order) {
        if (interrupted()) throw new Error('interrupted');
        const m = await measureWithCpu(server, db, {
          route,
          path: paths[route],
          round,
          cookie: admin.cookie,
          connections,
          durationS,
        });
        add(cpu, `${route} ${name}`, (m.serverCpuUsPerRequest ?? 0) + (m.dbCpuUsPerRequest ?? 0));
        add(rps, `${route} ${name}`, m.requestsPerSec);
      }
    }
  }

  // Invite + accept: each round, pair by pair, one pair on each server in turn (the order rotated
  // a round), so a change in the machine's speed reaches all three alike. Per server and round:
  // the pairs' p50 wall time and the server's CPU a pair.
  const p50 = new Map<string, number[]>();
  if (invite) {
    const f = { wsId: ws, adminCookie: admin.cookie };
    for (const { server } of servers) await inviteAndAccept(server, data, f, nextInvitee()); // warm-up
    for (let round = 0; round < rounds; round++) {
      const order = inOrder(round);
      const times = new Map<string, number[]>(servers.map(({ name }) => [name, []]));
      const cpu0 = new Map(servers.map(({ name, server }) => [name, processCpuUs(server.pid) ?? 0]));
      for (let i = 0; i < pairs; i++) {
        for (const { name, server } of order) {
          if (interrupted()) throw new Error('interrupted');
          times.get(name)?.push(await inviteAndAccept(server, data, f, nextInvitee()));
        }
      }
      for (const { name, server } of servers) {
        const sorted = (times.get(name) ?? []).sort((a, b) => a - b);
        add(p50, `${INVITE} ${name}`, percentile(sorted, 50));
        add(cpu, `${INVITE} ${name}`, ((processCpuUs(server.pid) ?? 0) - (cpu0.get(name) ?? 0)) / pairs);
      }
    }
  }

  const mid = (list: number[]) => median(list, (v) => v);
  const ratios = (m: Map<string, number[]>, key: string, a: string, b: string) => {
    const num = m.get(`${key} ${b}`) ?? [];
    const den = m.get(`${key} ${a}`) ?? [];
    return num.map((v, i) => v / (den[i] ?? Number.NaN));
  };
  const printRatios = (m: Map<string, number[]>, key: string, what: string) => {
    for (const [a, b, control] of [
      ['A1', 'A2', 'control'],
      ['A1', 'B', ''],
      ['A2', 'B', ''],
    ] as const) {
      const r = ratios(m, key, a, b);
      const sorted = [...r].sort((x, y) => x - y);
      console.log(
        `  ${`${b}/${a}`.padEnd(6)} ${what} ratio median ${mid(r).toFixed(3)}, range ${sorted[0]?.toFixed(2)}-${sorted[sorted.length - 1]?.toFixed(2)} ${control}`,
      );
    }
  };
  for (const route of routes) {
    console.log(`\n${route}`);
    for (const { name } of servers) {
      const key = `${route} ${name}`;
      console.log(
        `  ${name.padEnd(3)} CPU ${String(mid(cpu.get(key) ?? [])).padStart(5)} µs/req   ${String(mid(rps.get(key) ?? [])).padStart(6)} req/s`,
      );
    }
    printRatios(cpu, route, 'CPU');
  }
  if (invite) {
    console.log(`\ninvite + accept (${pairs} pairs a server a round)`);
    for (const { name } of servers) {
      const key = `${INVITE} ${name}`;
      console.log(
        `  ${name.padEnd(3)} p50 ${mid(p50.get(key) ?? []).toFixed(2)} ms   server CPU ${Math.round(mid(cpu.get(key) ?? []))} µs a pair`,
      );
    }
    printRatios(p50, INVITE, 'p50');
    printRatios(cpu, INVITE, 'CPU');
  }
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
  });
