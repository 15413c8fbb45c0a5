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
