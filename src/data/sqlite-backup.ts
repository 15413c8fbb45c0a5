import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { keepUntilExit } from './sqlite-keep.ts';

function open(path: string): SQLite.Database {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  // Every object these commands make is kept reachable until they exit (sqlite-keep.ts).
  return keepUntilExit(db);
}

/** A file name for a backup taken at `now`: sortable, no characters a shell or Windows dislikes. */
export function backupName(now: Date): string {
  return `troupe-${now.toISOString().replace(/[:.]/g, '-')}.sqlite`;
}

/**
 * A consistent copy of the SQLite database at `source`, made while servers keep writing to it:
 * SQLite's online backup API (through better-sqlite3) copies every page inside one read snapshot of
 * the WAL, so the copy is the database as it was at one instant, with every write committed before
 * that instant. The copy is checked (`integrity_check`) before it is kept.
 */
export async function backupSqlite(source: string, target: string): Promise<{ pages: number }> {
  if (!existsSync(source)) throw new Error(`No database at ${source}`);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = open(source);
  try {
    db.exec('PRAGMA busy_timeout = 5000'); // not pragma(): see openSqlite in db.ts
    // All remaining pages in each step: a step is one snapshot, so writers cannot make it start over.
    const { totalPages } = await db.backup(partial, { progress: ({ totalPages: t }) => Math.max(t, 100) });
    checkIntegrity(partial);
    renameSync(partial, target);
    return { pages: totalPages };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

function checkIntegrity(path: string): void {
  const db = open(path);
  try {
    const check = db.prepare('PRAGMA integrity_check').pluck();
    keepUntilExit(check);
    const result = check.get();
    if (result !== 'ok') throw new Error(`${basename(path)} failed its integrity check: ${String(result)}`);
  } finally {
    db.close();
  }
}

/**
 * Puts the backup `file` in place as the database at `target` (servers stopped). The backup is
 * checked first. An existing database is refused unless `force`, and then kept beside as
 * `<name>.before-restore-<time>` with its WAL files, never deleted.
 */
export function restoreSqlite(
  file: string,
  target: string,
  opts: { force?: boolean; now?: Date } = {},
): { keptAside: string | null } {
  if (!existsSync(file)) throw new Error(`No backup at ${file}`);
  checkIntegrity(file);
  mkdirSync(dirname(target), { recursive: true });
  let keptAside: string | null = null;
  if (existsSync(target)) {
    if (!opts.force) {
      throw new Error(
        `A database already exists at ${target}; stop the server and pass --force to replace it`,
      );
    }
    keptAside = `${target}.before-restore-${(opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(target + suffix)) renameSync(target + suffix, keptAside + suffix);
    }
  }
  const partial = `${target}.restoring`;
  copyFileSync(file, partial);
  renameSync(partial, target);
  return { keptAside };
}

export const defaultBackupDir = (dataDir: string) => join(dataDir, 'backups');
