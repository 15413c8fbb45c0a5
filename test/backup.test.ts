/**
 * `npm run backup` while a server writes, then `npm run restore` into a fresh data directory: every
 * write acknowledged before the backup began is there, nothing begun after it ended is, and a
 * server started on the restored directory serves the same sessions and data.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { keepUntilExit } from '../src/data/sqlite-keep.ts';
import { signUpOnNode, startNode, type TroupeNode, waitReady } from './nodes.ts';

const root = new URL('../', import.meta.url).pathname;
const SECRET = 'backup-secret-backup-secret-backup-secret-01';

function run(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AUTH_SECRET: SECRET, ...env },
    });
    let out = '';
    child.stdout.on('data', (b) => {
      out += String(b);
    });
    child.stderr.on('data', (b) => {
      out += String(b);
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('backup and restore (SQLite)', () => {
  const nodes: TroupeNode[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = (name: string) => {
    const d = mkdtempSync(join(tmpdir(), name));
    dirs.push(d);
    return d;
  };

  it('copies every acknowledged write under load, and the copy serves', async () => {
    const dataDir = tempDir('troupe-backup-src-');
    const node = startNode(3964, { DATA_DIR: dataDir, AUTH_SECRET: SECRET, DATABASE_URL: '' });
    nodes.push(node);
    await waitReady(node);
    const json = { 'content-type': 'application/json', origin: node.url };
    const cookie = await signUpOnNode(node, 'backup@example.com', 'Backup');
    const ws = await (
      await fetch(`${node.url}/api/workspaces`, {
        method: 'POST',
        headers: { ...json, cookie },
        body: JSON.stringify({ name: 'Backed up' }),
      })
    ).json();

    // Four writers create items until told to stop; each write's start and acknowledgement times.
    const writes: { title: string; started: number; acked: number }[] = [];
    let stop = false;
    let n = 0;
    const writer = async () => {
      while (!stop) {
        const title = `w-${++n}`;
        const started = performance.now();
        const res = await fetch(`${node.url}/api/workspaces/${ws.id}/items`, {
          method: 'POST',
          headers: { ...json, cookie },
          body: JSON.stringify({ kind: 'draft', title }),
        });
        if (res.status !== 201) throw new Error(`write failed ${res.status}`);
        writes.push({ title, started, acked: performance.now() });
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    // Until enough writes are acknowledged (not a fixed time: a loaded machine writes slower).
    const waitFor = async (done: () => boolean) => {
      for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await waitFor(() => writes.length > 10);
    const backupDir = tempDir('troupe-backups-');
    const backupStarted = performance.now();
    const backup = await run('scripts/backup.ts', [backupDir], { DATA_DIR: dataDir });
    const backupEnded = performance.now();
    await waitFor(() => writes.some((w) => w.started > backupEnded));
    stop = true;
    await Promise.all(writers);
    expect(backup.code, backup.out).toBe(0);
    const [file] = readdirSync(backupDir);
    expect(file).toMatch(/^troupe-\d{4}-\d\d-\d\dT[\d-]+Z\.sqlite$/);

    const restoredDir = tempDir('troupe-restored-');
    const restore = await run('scripts/restore.ts', [join(backupDir, file as string)], {
      DATA_DIR: restoredDir,
    });
    expect(restore.code, restore.out).toBe(0);
    // Restoring over a database is refused without --force.
    const again = await run('scripts/restore.ts', [join(backupDir, file as string)], {
      DATA_DIR: restoredDir,
    });
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/already exists/);

    // Kept, not dropped (src/data/sqlite-keep.ts).
    const db = keepUntilExit(new SQLite(join(restoredDir, 'troupe.sqlite'), { readonly: true }));
    const titles = new Set(
      (keepUntilExit(db.prepare('SELECT title FROM items')).all() as { title: string }[]).map((r) => r.title),
    );
    db.close();
    const before = writes.filter((w) => w.acked < backupStarted);
    const after = writes.filter((w) => w.started > backupEnded);
    expect(before.length).toBeGreaterThan(10);
    expect(after.length).toBeGreaterThan(0);
    expect(before.filter((w) => !titles.has(w.title)).map((w) => w.title)).toEqual([]);
    expect(after.filter((w) => titles.has(w.title)).map((w) => w.title)).toEqual([]);

    // A server on the restored directory knows the session and the items.
    const restored = startNode(3965, { DATA_DIR: restoredDir, AUTH_SECRET: SECRET, DATABASE_URL: '' });
    nodes.push(restored);
    await waitReady(restored);
    const list = await fetch(`${restored.url}/api/workspaces/${ws.id}/items?limit=100`, {
      headers: { cookie },
    });
    expect(list.status).toBe(200);
    expect((await list.json()).items.length).toBe(Math.min(100, titles.size));
  }, 120_000);
});
