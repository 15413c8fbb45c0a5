/**
 * A fingerprint of everything the database holds, to prove a rejected request wrote nothing:
 * the rows of every table (Troupe's, Better Auth's, the migrations'), minus the columns a read
 * legitimately touches.
 */
import { sql } from 'kysely';
import type { TestApp } from './harness.ts';

/**
 * Columns that requests which are not writes may change:
 * - api_keys.last_used_at: a Bearer call records when a key was last used (at most once a minute);
 * - session.updatedAt, session.expiresAt: Better Auth renews a session it reads once a day.
 */
export const touchedByReads: Record<string, string[]> = {
  api_keys: ['last_used_at'],
  session: ['updatedAt', 'expiresAt'],
};

export type Fingerprint = Map<string, string[]>;

async function tableNames(app: TestApp): Promise<string[]> {
  const db = app.troupe.data.db;
  const rows =
    app.dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  return rows.rows.map((r) => r.name).sort();
}

const cachedNames = new WeakMap<TestApp, string[]>();

/** Every table's rows as sorted JSON lines (ignoring `touchedByReads`). */
export async function fingerprint(app: TestApp): Promise<Fingerprint> {
  let names = cachedNames.get(app);
  if (!names) {
    names = await tableNames(app);
    cachedNames.set(app, names);
  }
  const db = app.troupe.data.db;
  const tables = await Promise.all(
    names.map(async (name) => {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
      const skip = touchedByReads[name] ?? [];
      const lines = rows.map((row) => {
        const kept: Record<string, unknown> = {};
        for (const k of Object.keys(row).sort()) {
          if (skip.includes(k)) continue;
          const v = row[k];
          kept[k] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v;
        }
        return JSON.stringify(kept);
      });
      return [name, lines.sort()] as const;
    }),
  );
  return new Map(tables);
}

/** What changed between two fingerprints, readably (empty when nothing did). */
export function diffFingerprints(before: Fingerprint, after: Fingerprint): string[] {
  const out: string[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const a = new Set(before.get(name) ?? []);
    const b = new Set(after.get(name) ?? []);
    for (const row of a) if (!b.has(row)) out.push(`${name} - ${row}`);
    for (const row of b) if (!a.has(row)) out.push(`${name} + ${row}`);
  }
  return out;
}

/**
 * A cheap summary per table that changes whenever the table's fingerprint does, so a long run
 * compares whole tables only when something was written. SQLite: one entry, the number of rows its
 * one connection has changed so far (a write that changed nothing visible, or only a column in
 * `touchedByReads`, also counts: compare fingerprints then). PostgreSQL, exact and in one query:
 * each table's row count and newest row version (`xmin`: every insert or update makes a new one,
 * every delete lowers the count), and for the tables with columns reads touch, a hash of their rows
 * without those columns. Other clients of the server (other tests' databases) do not disturb it,
 * unlike the WAL position or the statistics views.
 */
export async function quickCheck(app: TestApp): Promise<Map<string, string>> {
  const db = app.troupe.data.db;
  if (app.dialect === 'sqlite') {
    const { rows } = await sql<{ n: number }>`select total_changes() as n`.execute(db);
    return new Map([['*', String(rows[0]?.n)]]);
  }
  let names = cachedNames.get(app);
  if (!names) {
    names = await tableNames(app);
    cachedNames.set(app, names);
  }
  const parts = names.map((name) => {
    const skip = touchedByReads[name];
    if (!skip) {
      return sql`select ${name}::text as t,
        count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text as d from ${sql.table(name)}`;
    }
    const cols = sql.raw(`array[${skip.map((c) => `'${c}'`).join(',')}]::text[]`);
    return sql`select ${name}::text as t, (select md5(coalesce(string_agg(h, ',' order by h), ''))
      from (select md5((to_jsonb(x) - ${cols})::text) as h from ${sql.table(name)} x) s) as d`;
  });
  const { rows } = await sql<{ t: string; d: string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return new Map(rows.map((r) => [r.t, r.d]));
}

/** PostgreSQL: what changed between two quick checks, readably (rows written since, row counts). */
export async function describeChanges(
  app: TestApp,
  before: Map<string, string>,
  after: Map<string, string>,
): Promise<string[]> {
  const out: string[] = [];
  for (const [table, now] of after) {
    const was = before.get(table);
    if (was === now) continue;
    if (touchedByReads[table] || app.dialect !== 'postgres') {
      out.push(`${table}: rows changed`);
      continue;
    }
    const [count, newest] = (was ?? '0:0').split(':');
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}
      where xmin::text::bigint > ${Number(newest)}`.execute(app.troupe.data.db);
    out.push(`${table}: ${count} -> ${now.split(':')[0]} rows`);
    for (const row of rows) out.push(`${table} + ${JSON.stringify(row)}`);
  }
  return out;
}
