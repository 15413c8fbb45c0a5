import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** What is worth compressing: text. Images and fonts are compressed already. */
const TEXT = /\.(js|mjs|css|svg|json|txt|webmanifest)$/;
/** Below this, a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;

export interface Precompressed {
  files: number;
  bytes: number;
  br: number;
  gz: number;
}

/**
 * Writes a Brotli (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside every text file of
 * `dir` (recursively) of at least 1 KiB, for the server to send as they are to clients that accept
 * them (@fastify/static's `preCompressed`): compressed once at build time at the highest levels,
 * never per request. Answers the sizes, for the build's log.
 */
export function precompressAssets(dir: string): Precompressed {
  const out: Precompressed = { files: 0, bytes: 0, br: 0, gz: 0 };
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    if (!TEXT.test(name) || !statSync(path).isFile()) continue;
    const body = readFileSync(path);
    if (body.length < MIN_BYTES) continue;
    const br = brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    const gz = gzipSync(body, { level: 9 });
    // Written aside, then renamed into place: a server sending the directory while it is built
    // never sends half a copy (which a browser would keep for a year: the assets are immutable).
    for (const [ext, bytes] of [['.br', br] as const, ['.gz', gz] as const]) {
      writeFileSync(`${path}${ext}.tmp`, bytes);
      renameSync(`${path}${ext}.tmp`, `${path}${ext}`);
    }
    out.files += 1;
    out.bytes += body.length;
    out.br += br.length;
    out.gz += gz.length;
  }
  return out;
}

/** The Vite plugin: precompresses the built assets once the bundle is written. */
export function precompress(): Plugin {
  let assets = '';
  return {
    name: 'troupe-precompress',
    apply: 'build',
    configResolved(config) {
      assets = resolve(config.root, config.build.outDir, config.build.assetsDir);
    },
    writeBundle() {
      const s = precompressAssets(assets);
      const kb = (n: number) => `${Math.round(n / 1024)} KiB`;
      this.info(`precompressed ${s.files} files: ${kb(s.bytes)} -> brotli ${kb(s.br)}, gzip ${kb(s.gz)}`);
    },
  };
}
