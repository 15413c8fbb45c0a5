/**
 * `npm run restore FILE [-- --force]`: puts a backup made by `npm run backup` in place as the SQLite
 * database of $DATA_DIR (or DATABASE_URL=sqlite:<path>). Stop Troupe first. An existing database is
 * refused without --force, and with it kept beside the restored one, never deleted.
 */
import { resolve } from 'node:path';
import { restoreSqlite } from '../src/data/sqlite-backup.ts';
import { ConfigError, loadConfig } from '../src/infra/config.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('Usage: npm run restore FILE [-- --force]');
  process.exit(2);
}
try {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error('DATABASE_URL is PostgreSQL: restore it with pg_restore (docs/OPERATIONS.md, "Backups").');
    process.exit(2);
  }
  const { keptAside } = restoreSqlite(resolve(file), config.sqlitePath, { force: args.includes('--force') });
  console.log(`Restored ${resolve(file)} to ${config.sqlitePath}`);
  if (keptAside) console.log(`The database that was there is kept at ${keptAside}`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Restore failed: ${(err as Error).message}`);
  process.exit(1);
}
