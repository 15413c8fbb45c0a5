/**
 * `npm run bench:suggestions`: the company-domain suggestions query (SPEC §4.5) with 100,000
 * accounts, on SQLite and PostgreSQL: that it stays an index range (the plan uses
 * `user_email_domain_idx`) and how long a page takes. In-process on a scratch database (the same
 * Kysely setup and migrations as the server, through createTroupe; nothing listens):
 *
 * - `--users` accounts (default 100,000), `--at-domain` of them (default 30,000) at the workspace's
 *   company domain `acme.example`, the rest at five other domains; 1 in 5 unverified;
 * - one workspace whose members are 5,000 of the acme.example people, with 1,000 more invited,
 *   500 asking to join and 500 dismissed.
 *
 * Then the first page (20) and a page from the middle of the range (by cursor), `--runs` times
 * each (default 200), timed around the query; p50/p95 and the plan are printed and written.
 *
 * Options: --dialect sqlite|postgres|both (BENCH_DIALECT), --users, --at-domain, --runs,
 * --pg-admin-url (BENCH_PG_ADMIN_URL), --out (default bench/results/suggestions.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { newId } from '../src/data/ids.ts';
import { listSuggestions, suggestionsQuery } from '../src/data/suggestions.repo.ts';
import { loadConfig } from '../src/infra/config.ts';
import { createTroupe } from '../src/troupe.ts';
import {
  AUTH_SECRET,
  cleanupAll,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  dialectsOption,
  gitState,
  machineInfo,
  percentile,
  positiveNumber,
  resultsDir,
  round3,
  scratchDatabase,
} from './lib.ts';

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    users: { type: 'string' },
    'at-domain': { type: 'string' },
    runs: { type: 'string' },
    'pg-admin-url': { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  users: Math.round(positiveNumber('--users', flags.users, 100_000, 1_000_000)),
  atDomain: Math.round(positiveNumber('--at-domain', flags['at-domain'], 30_000, 1_000_000)),
  runs: Math.round(positiveNumber('--runs', flags.runs, 200, 10_000)),
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  out: resolve(flags.out ?? `${resultsDir}/suggestions.json`),
};
const DOMAIN = 'acme.example';
const OTHER = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];

function timings(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    p50: round3(percentile(s, 50)),
    p95: round3(percentile(s, 95)),
    max: round3(s[s.length - 1] ?? 0),
  };
}

async function run(dialect: DialectName) {
  const scratch = await scratchDatabase(dialect, options.pgAdminUrl);
  const config = loadConfig({
    DATABASE_URL: scratch.url,
    DATA_DIR: scratch.dataDir,
    AUTH_SECRET,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
  });
  const troupe = await createTroupe(config, { runOutboxWorker: false });
  try {
    const db = troupe.data.db;
    const sqlite = dialect === 'sqlite';
    const now = Date.now();
    const stamp = sqlite ? new Date(now).toISOString() : new Date(now);
    const users: Record<string, unknown>[] = [];
    for (let i = 0; i < options.users; i++) {
      const at = i < options.atDomain ? DOMAIN : (OTHER[i % OTHER.length] as string);
      users.push({
        id: `benchuser${i}`,
        name: `Person ${i}`,
        email: `person${String(i).padStart(7, '0')}@${at}`,
        emailVerified: i % 5 === 4 ? (sqlite ? 0 : false) : sqlite ? 1 : true,
        createdAt: stamp,
        updatedAt: stamp,
      });
    }
    const ws = 'benchworkspace';
    // The acme.example people in four groups: members, invited, asking, dismissed (every 6th, ...).
    const acme = users.slice(0, options.atDomain);
    const members = acme.filter((_, i) => i % 6 === 0).slice(0, 5000);
    const invited = acme.filter((_, i) => i % 6 === 1).slice(0, 1000);
    const asking = acme.filter((_, i) => i % 6 === 2).slice(0, 500);
    const dismissed = acme.filter((_, i) => i % 6 === 3).slice(0, 500);
    const admin = members[0] as { id: string };
    console.log(`${dialect}: inserting ${options.users} accounts…`);
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < users.length; i += 1000)
        await tx
          .insertInto('user')
          .values(users.slice(i, i + 1000) as never)
          .execute();
      await tx
        .insertInto('workspaces')
        .values({
          id: ws,
          name: 'Acme',
          require_approval: 0,
          company_domain: DOMAIN,
          seat_limit: members.length,
          seats_used: members.length,
          created_by: admin.id,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const rows = members.map((u, i) => ({
        workspace_id: ws,
        user_id: u.id as string,
        role: i === 0 ? 'super_admin' : 'viewer',
        email: u.email as string,
        name: u.name as string,
        sort_key: String(u.name).toLowerCase(),
        created_at: now,
      }));
      for (let i = 0; i < rows.length; i += 1000)
        await tx
          .insertInto('memberships')
          .values(rows.slice(i, i + 1000))
          .execute();
      const inv = invited.map((u) => ({
        id: newId(now),
        workspace_id: ws,
        email: u.email as string,
        role: 'viewer',
        token_hash: `${u.id}-hash`,
        status: 'pending' as const,
        expires_at: now + 86_400_000,
        invited_by: admin.id,
        accepted_by: null,
        created_at: now,
        updated_at: now,
      }));
      for (let i = 0; i < inv.length; i += 500)
        await tx
          .insertInto('invitations')
          .values(inv.slice(i, i + 500))
          .execute();
      await tx
        .insertInto('join_requests')
        .values(
          asking.map((u) => ({
            id: newId(now),
            workspace_id: ws,
            user_id: u.id as string,
            email: u.email as string,
            name: u.name as string,
            sort_key: String(u.name).toLowerCase(),
            role: 'viewer',
            status: 'pending' as const,
            decided_by: null,
            decided_at: null,
            created_at: now,
            expires_at: now + 86_400_000,
          })),
        )
        .execute();
      await tx
        .insertInto('suggestion_dismissals')
        .values(
          dismissed.map((u) => ({
            workspace_id: ws,
            user_id: u.id as string,
            dismissed_by: admin.id,
            created_at: now,
          })),
        )
        .execute();
    });
    if (sqlite) await sql`ANALYZE`.execute(db);
    else await sql`VACUUM (ANALYZE)`.execute(db);

    const q = (afterEmail: string | null) => ({ domain: DOMAIN, afterEmail, limit: 20, now: Date.now() });
    const compiled = suggestionsQuery(db, dialect, ws, q(null)).compile();
    const plan = (
      await db.executeQuery({
        ...compiled,
        sql: `${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${compiled.sql}`,
      })
    ).rows.map((r) => JSON.stringify(r));
    const middle = `person${String(Math.floor(options.atDomain / 2)).padStart(7, '0')}@${DOMAIN}`;
    const time = async (afterEmail: string | null) => {
      const ms: number[] = [];
      let found = 0;
      for (let i = 0; i < options.runs + 20; i++) {
        const t0 = performance.now();
        const rows = await listSuggestions(db, dialect, ws, q(afterEmail));
        if (i >= 20) ms.push(performance.now() - t0);
        found = rows.length;
      }
      return { ...timings(ms), rows: found };
    };
    const first = await time(null);
    const mid = await time(middle);
    return {
      firstPage: first,
      middlePage: mid,
      usesDomainIndex: plan.join(' ').includes('user_email_domain_idx'),
      plan,
    };
  } finally {
    await troupe.close();
    await cleanupAll();
  }
}

async function main() {
  const git = gitState();
  const out: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    commit: git?.commit ?? null,
    srcChanged: git?.srcChanged ?? null,
    machine: machineInfo(),
    loadAvgAtStart: loadavg().map(round3),
    options: { ...options, out: undefined },
    dialects: {},
  };
  for (const dialect of options.dialects) {
    const r = await run(dialect);
    (out.dialects as Record<string, unknown>)[dialect] = r;
    console.log(dialect, JSON.stringify({ ...r, plan: undefined }), '\n', r.plan.join('\n '));
  }
  out.finishedAt = new Date().toISOString();
  out.loadAvgAtEnd = loadavg().map(round3);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${options.out}`);
}

main().catch(async (err) => {
  console.error(err);
  await cleanupAll();
  process.exitCode = 1;
});
