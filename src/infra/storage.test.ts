import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storageSuite } from '../../test/storage-suite.ts';
import { createLocalStorage } from './storage.ts';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

function localFixture() {
  const root = mkdtempSync(join(tmpdir(), 'troupe-storage-'));
  return {
    root,
    storage: createLocalStorage(root, { highWaterMark: 16 * 1024 }),
    everything: async () =>
      walk(root)
        .map((p) => relative(root, p))
        .sort(),
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}

storageSuite('local directory', async () => localFixture());

describe('local storage temporary files', () => {
  it('sweeps only temporary files older than the cut-off', async () => {
    const fx = localFixture();
    try {
      await fx.storage.sweepTemp(0); // no .tmp yet: nothing to do
      const tmp = join(fx.root, '.tmp');
      await import('node:fs/promises').then((fs) => fs.mkdir(tmp, { recursive: true }));
      writeFileSync(join(tmp, 'old.part'), 'x');
      writeFileSync(join(tmp, 'new.part'), 'x');
      const now = Date.now();
      utimesSync(join(tmp, 'old.part'), new Date(now - 2 * 3600_000), new Date(now - 2 * 3600_000));
      expect(await fx.storage.sweepTemp(3600_000, now)).toBe(1);
      expect(await fx.everything()).toEqual(['.tmp/new.part']);
    } finally {
      await fx.close();
    }
  });
});
