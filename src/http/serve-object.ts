/**
 * Sends a stored object over HTTP the way media players and download managers expect (RFC 9110):
 * `Range` (one range -> 206; several -> 206 multipart/byteranges; beyond the end -> 416 with
 * `Content-Range: bytes *\/size`; malformed -> ignored, 200), `ETag` and `Last-Modified` with their
 * conditional requests (`If-None-Match`/`If-Modified-Since` -> 304, `If-Match`/`If-Unmodified-Since`
 * -> 412, `If-Range`).
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange, Storage } from '../infra/storage.ts';
import { problem, sendProblem } from './problem.ts';

/** At most this many ranges in one multipart answer; asking for more gets the whole object (200). */
const MAX_RANGES = 16;

/**
 * The byte ranges a `Range` header asks of an object of `size` bytes: `null` when the header is
 * not a valid bytes range set (ignore it), `'unsatisfiable'` when no range overlaps the object.
 * Overlapping and adjacent ranges are merged, in ascending order.
 */
export function parseRange(header: string, size: number): ByteRange[] | 'unsatisfiable' | null {
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return null;
  const specs = (m[1] as string).split(',');
  const ranges: ByteRange[] = [];
  let any = false;
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec === '') continue;
    const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!r) return null;
    const [, a, b] = r as unknown as [string, string, string];
    if (a === '' && b === '') return null;
    any = true;
    if (a === '') {
      // Suffix: the last b bytes.
      const n = Number(b);
      if (n === 0 || size === 0) continue;
      ranges.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(a);
    const end = b === '' ? size - 1 : Number(b);
    if (b !== '' && end < start) return null;
    if (start >= size) continue;
    ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (!any) return null;
  if (ranges.length === 0) return 'unsatisfiable';
  ranges.sort((x, y) => x.start - y.start);
  const merged: ByteRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/** Entity tags in an If-Match / If-None-Match list (weak tags as their opaque part), or '*'. */
function etagList(header: string): string[] | '*' {
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter(Boolean);
}

const httpDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toUTCString();
/** Seconds resolution, as HTTP dates have. */
const seconds = (ms: number) => Math.floor(ms / 1000);

export interface ServeObject {
  storage: Storage;
  key: string;
  size: number;
  /** Unique per version of the object (sent quoted, as a strong ETag). */
  version: string;
  lastModified: number;
  contentType: string;
  cacheControl: string;
  /** `attachment; filename=...` to download; default inline. */
  disposition?: string;
}

export async function serveObject(req: FastifyRequest, reply: FastifyReply, o: ServeObject) {
  const etag = `"${o.version}"`;
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('last-modified', httpDate(o.lastModified))
    .header('cache-control', o.cacheControl)
    .header('content-disposition', o.disposition ?? 'inline');

  const h = req.headers;
  const ifMatch = h['if-match'];
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    // If-Match uses the strong comparison: a weak tag never matches.
    const strong = ifMatch
      .split(',')
      .map((t) => t.trim())
      .filter((t) => !t.startsWith('W/'));
    if (tags !== '*' && !strong.includes(etag)) return preconditionFailed(reply);
  } else if (h['if-unmodified-since']) {
    const since = Date.parse(h['if-unmodified-since']);
    if (!Number.isNaN(since) && seconds(o.lastModified) > seconds(since)) return preconditionFailed(reply);
  }
  const ifNoneMatch = h['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (tags === '*' || tags.includes(etag)) return reply.status(304).send();
  } else if (h['if-modified-since'] && req.method === 'GET') {
    const since = Date.parse(h['if-modified-since']);
    if (!Number.isNaN(since) && seconds(o.lastModified) <= seconds(since)) return reply.status(304).send();
  }

  let ranges: ByteRange[] | 'unsatisfiable' | null = null;
  const rangeHeader = h.range;
  if (
    rangeHeader &&
    req.method === 'GET' &&
    ifRangeHolds(h['if-range'] as string | undefined, etag, o.lastModified)
  ) {
    ranges = parseRange(rangeHeader, o.size);
  }
  if (ranges === 'unsatisfiable') {
    reply.header('content-range', `bytes */${o.size}`);
    return sendProblem(
      reply,
      problem(
        'range_not_satisfiable',
        `The range ${rangeHeader} is beyond the end of the file (${o.size} bytes)`,
      ),
    );
  }
  if (ranges && ranges.length > MAX_RANGES) ranges = null;

  if (!ranges) {
    reply.status(200).type(o.contentType).header('content-length', o.size);
    // An empty stream: Fastify's HEAD handling then keeps our Content-Length.
    if (req.method === 'HEAD') return reply.send(Readable.from([]));
    return reply.send(await o.storage.get(o.key));
  }
  if (ranges.length === 1) {
    const r = ranges[0] as ByteRange;
    reply
      .status(206)
      .type(o.contentType)
      .header('content-range', `bytes ${r.start}-${r.end}/${o.size}`)
      .header('content-length', r.end - r.start + 1);
    return reply.send(await o.storage.get(o.key, r));
  }
  const boundary = randomBytes(12).toString('hex');
  const heads = ranges.map(
    (r) =>
      `\r\n--${boundary}\r\nContent-Type: ${o.contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${o.size}\r\n\r\n`,
  );
  const tail = `\r\n--${boundary}--\r\n`;
  const length =
    heads.reduce((n, s) => n + Buffer.byteLength(s), 0) +
    ranges.reduce((n, r) => n + r.end - r.start + 1, 0) +
    Buffer.byteLength(tail);
  reply.status(206).type(`multipart/byteranges; boundary=${boundary}`).header('content-length', length);
  const storage = o.storage;
  const parts = ranges;
  const body = Readable.from(
    (async function* () {
      for (let i = 0; i < parts.length; i++) {
        yield Buffer.from(heads[i] as string);
        for await (const chunk of await storage.get(o.key, parts[i])) yield chunk as Buffer;
      }
      yield Buffer.from(tail);
    })(),
    { objectMode: false },
  );
  return reply.send(body.pipe(new PassThrough()));
}

function ifRangeHolds(ifRange: string | undefined, etag: string, lastModified: number): boolean {
  if (ifRange === undefined) return true;
  const v = ifRange.trim();
  if (v.startsWith('"') || v.startsWith('W/')) return v === etag; // strong comparison
  const since = Date.parse(v);
  return !Number.isNaN(since) && seconds(since) === seconds(lastModified);
}

function preconditionFailed(reply: FastifyReply) {
  return sendProblem(reply, problem('precondition_failed', 'The file has changed since you last read it'));
}
