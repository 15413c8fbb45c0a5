/**
 * `npm run bench:members-search`: members search cache misses among 10,000 members (issue 12,
 * "Members search by index"), on SQLite and on PostgreSQL. For each dialect: a scratch database,
 * one server child process (bench/server.ts), an admin and a workspace through the HTTP API, the
 * workspace filled in bulk (bench/members-data.ts: 10,000 members, 50 invitations, 20 requests),
 * then `--requests` searches one after the other on one keep-alive connection, each with a term
 * no earlier request used (so every one misses the members page cache): substrings of 3 to 7
 * characters of real names and emails at random places (common and rare), and 1 in 5 a term that
 * nobody has. Prints p50 / p95 / p99 / max and the load average; exits 1 when p95 > 3 ms.
 *
 * Options (flag, or env):
 *   --dialect sqlite|postgres|both   BENCH_DIALECT      (default both)
 *   --members <n>                    BENCH_MEMBERS      (default 10000)
 *   --requests <n>                   BENCH_REQUESTS     measured searches (default 500)
 *   --pg-admin-url <url>             BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/test)
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  dialectsOption,
  latencySummary,
  positiveNumber,
  scratchDatabase,
  signUp,
  startServer,
  stopServer,
} from './lib.ts';
import { fillWorkspace, openDataSource } from './members-data.ts';

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    members: { type: 'string' },
    requests: { type: 'string' },
    'pg-admin-url': { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  members: Math.round(positiveNumber('--members', flags.members ?? env.BENCH_MEMBERS, 10_000, 200_000)),
  requests: Math.round(positiveNumber('--requests', flags.requests ?? env.BENCH_REQUESTS, 500, 20_000)),
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
};
const TARGET_P95_MS = 3;

/** A small seeded generator (mulberry32): the same terms on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function terms(dialect: DialectName, url: string, workspaceId: string, count: number) {
  const data = openDataSource(dialect, url);
  const rows = await data.db
    .selectFrom('memberships')
    .select(['sort_key', 'email'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  await data.close();
  const rnd = seeded(424242);
  const out = new Set<string>();
  while (out.size < count) {
    const row = rows[Math.floor(rnd() * rows.length)];
    if (!row) continue;
    const text = rnd() < 0.5 ? row.sort_key : row.email;
    const len = 3 + Math.floor(rnd() * 5);
    const at = Math.floor(rnd() * Math.max(1, text.length - len));
    const term =
      rnd() < 0.8
        ? text.slice(at, at + len)
        : `${text.slice(at, at + 3)}${Math.floor(rnd() * 0xffff).toString(16)}`;
    if (term.trim().length >= 3) out.add(term.trim());
  }
  return [...out];
}

async function run(dialect: DialectName) {
  const db = await scratchDatabase(dialect, options.pgAdminUrl);
  const server = await startServer(dialect, db, { cpuProf: false, maxSeconds: 900 });
  try {
    const { cookie, userId } = await signUp(server, {
      email: `bench-admin-${randomBytes(4).toString('hex')}@example.com`,
      name: 'Bench Admin',
    });
    const workspaceId = await createWorkspace(server, cookie, 'Bench Search');
    await fillWorkspace(dialect, db.url, {
      workspaceId,
      adminUserId: userId,
      members: options.members,
      invitations: 50,
      joinRequests: 20,
    });
    const warmup = 50;
    const all = await terms(dialect, db.url, workspaceId, options.requests + warmup);
    const times: number[] = [];
    let rows = 0;
    const load = loadavg();
    for (const [i, q] of all.entries()) {
      const path = `/api/workspaces/${workspaceId}/members?limit=50&q=${encodeURIComponent(q)}`;
      const t0 = performance.now();
      const res = await fetch(server.base + path, { headers: { cookie } });
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body}`);
      if (i >= warmup) {
        times.push(ms);
        rows += (JSON.parse(body) as { members: unknown[] }).members.length;
      }
    }
    // The same server, the same connection: pages without a term, each a cache miss too (a cursor
    // at a different place each time), so a loaded machine shows in both figures alike.
    const plain: number[] = [];
    for (const [i, q] of all.slice(0, 200).entries()) {
      const cursor = Buffer.from(JSON.stringify([q, `m:${i}`])).toString('base64url');
      const path = `/api/workspaces/${workspaceId}/members?limit=50&cursor=${cursor}`;
      const t0 = performance.now();
      const res = await fetch(server.base + path, { headers: { cookie } });
      await res.text();
      plain.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    }
    const summary = latencySummary(times);
    const reference = latencySummary(plain);
    const loadAfter = loadavg();
    console.log(
      `${dialect}: ${times.length} searches, each a new term (cache misses), 1 connection, ${options.members} members:` +
        ` p50 ${summary.p50} ms, p95 ${summary.p95} ms, p99 ${summary.p99} ms, max ${summary.max} ms;` +
        ` ${Math.round((rows / times.length) * 10) / 10} rows a page on average;` +
        ` for reference, a page without a term (also a cache miss): p50 ${reference.p50} ms, p95 ${reference.p95} ms;` +
        ` load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    );
    return summary.p95;
  } finally {
    await stopServer(server.child);
  }
}

let failed = false;
try {
  for (const dialect of options.dialects) {
    const p95 = await run(dialect);
    if (p95 > TARGET_P95_MS) {
      console.log(`${dialect}: p95 ${p95} ms misses the target (<= ${TARGET_P95_MS} ms)`);
      failed = true;
    }
  }
} finally {
  await cleanupAll();
}
process.exit(failed ? 1 : 0);
