/**
 * `npm run backup [DIR]`: a consistent copy of the SQLite database, safe while Troupe runs, into
 * DIR (default $DATA_DIR/backups) as troupe-<UTC time>.sqlite. PostgreSQL: see docs/OPERATIONS.md.
 */
import { join, resolve } from 'node:path';
import { backupName, backupSqlite, defaultBackupDir } from '../src/data/sqlite-backup.ts';
import { ConfigError, loadConfig } from '../src/infra/config.ts';

try {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error('DATABASE_URL is PostgreSQL: back it up with pg_dump (docs/OPERATIONS.md, "Backups").');
    process.exit(2);
  }
  const dir = process.argv[2] ? resolve(process.argv[2]) : defaultBackupDir(config.dataDir);
  const target = join(dir, backupName(new Date()));
  const started = Date.now();
  const { pages } = await backupSqlite(config.sqlitePath, target);
  console.log(`Backed up ${config.sqlitePath} to ${target} (${pages} pages, ${Date.now() - started} ms)`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Backup failed: ${(err as Error).message}`);
  process.exit(1);
}
