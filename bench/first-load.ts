/**
 * `npm run bench:first-load`: what a first visit to the web app costs on a slow phone connection,
 * with the build's compressed assets (web/precompress.ts) and without them.
 *
 * Starts the product server (bench/server.ts, SQLite scratch database, the current web/dist build:
 * run `npm run build:web` first) and Chromium at 390 x 844 with the network of Chrome DevTools'
 * "Fast 3G" preset (1.44 Mbit/s down, 675 kbit/s up, 562.5 ms round trip) and no cache. Each run
 * opens `/sign-in` in a new context (nothing cached) and times it from navigation until the Sign in
 * button is visible, summing the bytes that came over the network. Alternates the browser's usual
 * `Accept-Encoding` (the server sends the Brotli copies) with `identity` (the files as built), so
 * both are measured against the same server in the same run. Both processes are ended by PID.
 *
 * Options: --runs <n> (default 3 each way), --out <file> (default bench/results/first-load.json).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from '../test/e2e/chromium.ts';
import {
  cleanupAll,
  DEFAULT_PG_ADMIN_URL,
  gitState,
  machineInfo,
  positiveNumber,
  resultsDir,
  root,
  scratchDatabase,
  startServer,
} from './lib.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, out: { type: 'string' } } });
const runs = Math.round(positiveNumber('--runs', values.runs, 3, 50));
const out = resolve(values.out ?? join(resultsDir, 'first-load.json'));

/** Chrome DevTools' "Fast 3G": its throughputs are 90% of the nominal 1.6 Mbit/s and 750 kbit/s. */
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
  uploadThroughput: ((750 * 1024) / 8) * 0.9,
};
const WAYS = ['compressed', 'identity'] as const;

if (!existsSync(join(root, 'web/dist/index.html'))) {
  console.error('no web build: run `npm run build:web` first');
  process.exit(2);
}

try {
  const db = await scratchDatabase('sqlite', DEFAULT_PG_ADMIN_URL);
  const server = await startServer('sqlite', db, { cpuProf: false, maxSeconds: 600 });
  const browser = await chromium.launch(chromiumLaunchOptions);
  const samples: Record<(typeof WAYS)[number], { ms: number; kib: number }[]> = {
    compressed: [],
    identity: [],
  };
  try {
    for (let i = 0; i < runs; i++) {
      for (const way of i % 2 === 0 ? WAYS : [...WAYS].reverse()) {
        const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await cdp.send('Network.emulateNetworkConditions', FAST_3G);
        if (way === 'identity')
          await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
        let bytes = 0;
        cdp.on('Network.loadingFinished', (e) => {
          bytes += e.encodedDataLength;
        });
        const started = performance.now();
        await page.goto(`${server.origin}/sign-in`);
        await page.getByRole('button', { name: 'Sign in' }).first().waitFor();
        const sample = { ms: Math.round(performance.now() - started), kib: Math.round(bytes / 1024) };
        samples[way].push(sample);
        console.log(`  ${way.padEnd(10)} run ${i + 1}: ${sample.ms} ms, ${sample.kib} KiB`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const summary = Object.fromEntries(
    WAYS.map((w) => [w, { ms: med(samples[w].map((s) => s.ms)), kib: med(samples[w].map((s) => s.kib)) }]),
  );
  console.log(
    `\n/sign-in at 390 px on Fast 3G, median of ${runs}: compressed ${summary.compressed?.ms} ms (${summary.compressed?.kib} KiB), identity ${summary.identity?.ms} ms (${summary.identity?.kib} KiB)`,
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), git: gitState(), machine: machineInfo(), runs, summary, samples }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
} finally {
  await cleanupAll();
}
