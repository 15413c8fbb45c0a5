/**
 * `npm run bench:videos`: the video figures of issue 10, against one server child process
 * (`bench/server.ts`) per dialect on a scratch database, over loopback:
 *
 *   1. upload: a 200 MB MP4 (test/fixtures/tiny.mp4 followed by a 200 MB `free` box, which MP4
 *      readers skip) as the raw body of PUT /api/items/:id/file, streamed from disk; MB/s from
 *      the first byte sent to the answer (type sniffing, parsing, fsync and rename included);
 *   2. public page data: GET /api/public/videos/:slug (one query plus the view count's UPDATE)
 *      with autocannon at 1 connection: p50/p95/p99;
 *   3. streaming: GET /api/public/videos/:slug/file read whole by one client: MB/s, and the
 *      server's RSS growth (VmRSS sampled every 20 ms, peak minus before);
 *   4. 200 concurrent range readers, all at once: waves of 200 simultaneous GETs of a random 1 MiB
 *      range, read as fast as possible; time to the first body byte (p50/p95/p99 over all waves);
 *   5. 200 concurrent players: 200 readers arriving over a second, each reading the file on from a
 *      random point in 1 MiB ranges at 8 Mbit/s on average (a player buffering a 1080p stream), for
 *      20 s; time to the first body byte of every range.
 *
 * The client runs on the same machine as the server (2 cores, shared with other work): its CPU
 * counts against the server's figures.
 *
 * Options (flag, or env): --dialect sqlite|postgres|both (BENCH_DIALECT, default both),
 * --rounds n (BENCH_ROUNDS, default 3; the median is reported), --duration s (BENCH_DURATION,
 * default 10, for the page data), --size-mb n (BENCH_VIDEO_MB, default 200), --waves n (default 5),
 * --pg-admin-url, --out (default bench/results/videos-latest.json).
 */
import {
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  cleanupAll,
  createWorkspace,
  DEFAULT_PG_ADMIN_URL,
  type DialectName,
  dialectsOption,
  gitState,
  latencySummary,
  machineInfo,
  measureWithCpu,
  onCleanup,
  positiveNumber,
  resultsDir,
  round3,
  scratchDatabase,
  signUp,
  startServer,
  stopServer,
} from './lib.ts';

const { values: flags } = parseArgs({
  options: {
    dialect: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'size-mb': { type: 'string' },
    waves: { type: 'string' },
    'range-kb': { type: 'string' },
    'player-mbps': { type: 'string' },
    'players-s': { type: 'string' },
    parts: { type: 'string' },
    'cpu-prof': { type: 'boolean' },
    'pg-admin-url': { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});
const env = process.env;
const options = {
  dialects: dialectsOption(flags.dialect ?? env.BENCH_DIALECT ?? 'both'),
  rounds: Math.round(positiveNumber('--rounds', flags.rounds ?? env.BENCH_ROUNDS, 3, 10)),
  durationS: positiveNumber('--duration', flags.duration ?? env.BENCH_DURATION, 10, 300),
  sizeMb: positiveNumber('--size-mb', flags['size-mb'] ?? env.BENCH_VIDEO_MB, 200, 4000),
  waves: Math.round(positiveNumber('--waves', flags.waves, 5, 50)),
  rangeBytes: Math.round(positiveNumber('--range-kb', flags['range-kb'], 1024, 65536) * 1024),
  /** Which measurements to run (an upload always happens: the others need the file). */
  parts: new Set((flags.parts ?? 'upload,page,stream,ranges,players').split(',').map((p) => p.trim())),
  playerMbps: positiveNumber('--player-mbps', flags['player-mbps'], 8, 1000),
  playersS: positiveNumber('--players-s', flags['players-s'], 20, 600),
  pgAdminUrl: flags['pg-admin-url'] ?? env.BENCH_PG_ADMIN_URL ?? DEFAULT_PG_ADMIN_URL,
  out: resolve(flags.out ?? join(resultsDir, 'videos-latest.json')),
};
const MB = 1_000_000;
const READERS = 200;

/** tiny.mp4 followed by one `free` box: a valid MP4 of `sizeMb` MB, written in 8 MiB blocks. */
function makeBigMp4(dir: string, sizeMb: number): { path: string; size: number } {
  const head = readFileSync(new URL('../test/fixtures/tiny.mp4', import.meta.url));
  const size = Math.round(sizeMb * MB);
  const boxSize = size - head.length;
  if (boxSize >= 2 ** 32) throw new Error('--size-mb: at most 4000');
  const path = join(dir, 'big.mp4');
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  const box = Buffer.alloc(8);
  box.writeUInt32BE(boxSize, 0);
  box.write('free', 4, 'latin1');
  writeSync(fd, box);
  const block = Buffer.alloc(8 * 1024 * 1024);
  let left = boxSize - 8;
  while (left > 0) {
    const n = Math.min(left, block.length);
    writeSync(fd, block, 0, n);
    left -= n;
  }
  closeSync(fd);
  return { path, size: statSync(path).size };
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function runDialect(dialect: DialectName, video: { path: string; size: number }) {
  const db = await scratchDatabase(dialect, options.pgAdminUrl);
  const server = await startServer(dialect, db, {
    cpuProf: flags['cpu-prof'] ?? false,
    maxSeconds: 1800,
    env: {
      MAX_VIDEO_BYTES: String(4 * 1024 ** 3),
      // For experiments with V8's flags (e.g. --max-semi-space-size), passed to the server only.
      ...(process.env.BENCH_SERVER_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
        : {}),
    },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: READERS + 10 });
  onCleanup(async () => agent.destroy());
  /** A GET over `agent`: status, ms to the first body byte, bytes read. */
  const download = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; ttfbMs: number; bytes: number }>((ok, fail) => {
      const t0 = performance.now();
      let ttfbMs = -1;
      let bytes = 0;
      get(`${server.base}${path}`, { agent, headers }, (res) => {
        res.on('data', (chunk: Buffer) => {
          if (ttfbMs < 0) ttfbMs = performance.now() - t0;
          bytes += chunk.length;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, ttfbMs, bytes }));
        res.on('error', fail);
      }).on('error', fail);
    });
  const { cookie } = await signUp(server, {
    email: `bench-video-${Date.now()}@example.com`,
    name: 'Bench Video',
  });
  const wsId = await createWorkspace(server, cookie, 'Bench Films');
  const json = async (method: string, path: string, body: unknown) => {
    const res = await fetch(server.base + path, {
      method,
      headers: { cookie, origin: server.origin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const item = (await json('POST', `/api/workspaces/${wsId}/items`, {
    kind: 'video',
    title: 'Bench film',
  })) as {
    id: string;
  };

  // 1. Upload.
  const uploads: { seconds: number; mbPerS: number }[] = [];
  const uploadRounds = options.parts.has('upload') ? options.rounds : 1;
  for (let round = 1; round <= uploadRounds; round++) {
    const started = performance.now();
    const res = await fetch(`${server.base}/api/items/${item.id}/file`, {
      method: 'PUT',
      headers: {
        cookie,
        origin: server.origin,
        'content-type': 'video/mp4',
        'content-length': String(video.size),
      },
      body: Readable.toWeb(createReadStream(video.path, { highWaterMark: 1024 * 1024 })) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const body = await res.text();
    const seconds = (performance.now() - started) / 1000;
    if (res.status !== 200) throw new Error(`upload: ${res.status} ${body}`);
    uploads.push({ seconds: round3(seconds), mbPerS: round3(video.size / MB / seconds) });
    console.log(
      `  ${dialect} upload round ${round}: ${uploads.at(-1)?.mbPerS} MB/s (${uploads.at(-1)?.seconds} s)`,
    );
  }
  const page = (await json('PATCH', `/api/items/${item.id}/share-page`, { published: true })) as {
    slug: string;
  };
  const pub = `/api/public/videos/${page.slug}`;

  // 2. Public page data at one connection.
  await measureWithCpu(server, db, {
    route: 'warmup',
    path: pub,
    round: 0,
    cookie: '',
    connections: 1,
    durationS: 2,
  });
  const pageData = [];
  for (let round = 1; options.parts.has('page') && round <= options.rounds; round++) {
    const m = await measureWithCpu(server, db, {
      route: 'public-page-data',
      path: pub,
      round,
      cookie: '',
      connections: 1,
      durationS: options.durationS,
    });
    pageData.push(m);
    console.log(
      `  ${dialect} page data round ${round}: p50 ${m.latencyMs.p50} ms, p95 ${m.latencyMs.p95} ms, ${m.requestsPerSec} req/s`,
    );
  }

  // 3. Streaming the whole file.
  const streams: { mbPerS: number; rssGrowthMb: number; rssBeforeMb: number }[] = [];
  for (let round = 1; options.parts.has('stream') && round <= options.rounds; round++) {
    const before = rssKb(server.pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssKb(server.pid));
    }, 20);
    const started = performance.now();
    const { status, bytes } = await download(`${pub}/file`);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, rssKb(server.pid));
    if (status !== 200 || bytes !== video.size) throw new Error(`stream: ${status}, ${bytes} bytes`);
    streams.push({
      mbPerS: round3(bytes / MB / seconds),
      rssGrowthMb: round3((peak - before) / 1024),
      rssBeforeMb: round3(before / 1024),
    });
    console.log(
      `  ${dialect} stream round ${round}: ${streams.at(-1)?.mbPerS} MB/s, RSS +${streams.at(-1)?.rssGrowthMb} MB`,
    );
  }

  // 4. 200 concurrent range readers.
  const ttfb: number[] = [];
  let failures = 0;
  for (let wave = 0; options.parts.has('ranges') && wave < options.waves; wave++) {
    await Promise.all(
      Array.from({ length: READERS }, async () => {
        const start = Math.floor(Math.random() * (video.size - options.rangeBytes));
        const r = await download(`${pub}/file`, {
          range: `bytes=${start}-${start + options.rangeBytes - 1}`,
        });
        ttfb.push(r.ttfbMs);
        if (r.status !== 206 || r.bytes !== options.rangeBytes) failures++;
      }),
    );
  }
  if (failures) throw new Error(`${failures} range reads failed`);
  const ranges = ttfb.length ? latencySummary(ttfb) : null;
  if (ranges)
    console.log(
      `  ${dialect} ${READERS} range readers x ${options.waves} waves: TTFB p50 ${ranges.p50} ms, p95 ${ranges.p95} ms`,
    );

  // 5. 200 players: each reads the file on from a random point in ranges of `rangeBytes`, at
  // `playerMbps` on average (as a player buffering ahead does), for `playersS` seconds.
  const playerTtfb: number[] = [];
  let playerBytes = 0;
  const playersStarted = performance.now();
  if (options.parts.has('players')) {
    const until = playersStarted + options.playersS * 1000;
    const bytesPerMs = (options.playerMbps * 1e6) / 8 / 1000;
    await Promise.all(
      Array.from({ length: READERS }, async (_, i) => {
        // Start staggered over the first second, as viewers arrive.
        await new Promise((r) => setTimeout(r, (i * 1000) / READERS));
        let offset = Math.floor(Math.random() * (video.size - options.rangeBytes));
        const began = performance.now();
        let read = 0;
        while (performance.now() < until) {
          if (offset + options.rangeBytes > video.size) offset = 0;
          const r = await download(`${pub}/file`, {
            range: `bytes=${offset}-${offset + options.rangeBytes - 1}`,
          });
          if (r.status !== 206 || r.bytes !== options.rangeBytes) failures++;
          playerTtfb.push(r.ttfbMs);
          offset += options.rangeBytes;
          read += r.bytes;
          const due = began + read / bytesPerMs;
          const wait = due - performance.now();
          if (wait > 0)
            await new Promise((res) => setTimeout(res, Math.min(wait, until - performance.now())));
        }
        playerBytes += read;
      }),
    );
    if (failures) throw new Error(`${failures} player range reads failed`);
  }
  const players = playerTtfb.length
    ? {
        readers: READERS,
        mbps: options.playerMbps,
        seconds: options.playersS,
        requests: playerTtfb.length,
        mbPerS: round3(playerBytes / MB / ((performance.now() - playersStarted) / 1000)),
        ttfbMs: latencySummary(playerTtfb),
      }
    : null;
  if (players)
    console.log(
      `  ${dialect} ${READERS} players at ${options.playerMbps} Mbit/s: ${players.requests} ranges, ${players.mbPerS} MB/s, TTFB p50 ${players.ttfbMs.p50} ms, p95 ${players.ttfbMs.p95} ms`,
    );

  agent.destroy();
  await stopServer(server.child);
  return {
    dialect,
    upload: { rounds: uploads, medianMbPerS: median(uploads.map((u) => u.mbPerS)) },
    pageData: {
      rounds: pageData.map((m) => ({
        latencyMs: m.latencyMs,
        requestsPerSec: m.requestsPerSec,
        serverCpuUsPerRequest: m.serverCpuUsPerRequest,
        dbCpuUsPerRequest: m.dbCpuUsPerRequest,
        loadAvg: m.loadAvg,
      })),
      medianP95Ms: pageData.length ? median(pageData.map((m) => m.latencyMs.p95)) : null,
    },
    stream: {
      rounds: streams,
      medianMbPerS: streams.length ? median(streams.map((s) => s.mbPerS)) : null,
      maxRssGrowthMb: streams.length ? Math.max(...streams.map((s) => s.rssGrowthMb)) : null,
    },
    rangeReaders: { readers: READERS, waves: options.waves, rangeBytes: options.rangeBytes, ttfbMs: ranges },
    players,
  };
}

async function main() {
  const startedAt = new Date().toISOString();
  const dir = mkdtempSync(join(tmpdir(), 'troupe-bench-video-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  const video = makeBigMp4(dir, options.sizeMb);
  console.log(
    `video figures: ${round3(video.size / MB)} MB file, ${options.rounds} rounds, dialects ${options.dialects.join(', ')}`,
  );
  const results = [];
  for (const dialect of options.dialects) results.push(await runDialect(dialect, video));
  const out = {
    startedAt,
    finishedAt: new Date().toISOString(),
    git: gitState(),
    machine: machineInfo(),
    options: { ...options, out: undefined },
    fileBytes: video.size,
    results,
  };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwritten to ${options.out}`);
  for (const r of results) {
    console.log(
      `${r.dialect}: upload ${r.upload.medianMbPerS} MB/s (target >= 200); page data p95 ${r.pageData.medianP95Ms} ms (<= 5); ` +
        `stream ${r.stream.medianMbPerS} MB/s (>= 400), RSS +${r.stream.maxRssGrowthMb} MB (< 30); ` +
        `${READERS} readers TTFB p95 ${r.rangeReaders.ttfbMs?.p95} ms, ${READERS} players TTFB p95 ${r.players?.ttfbMs.p95} ms (<= 50)`,
    );
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanupAll());
