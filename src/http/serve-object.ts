/**
 * Sends a stored object over HTTP the way media players and download managers expect (RFC 9110):
 * `Range` (one range -> 206; several -> 206 multipart/byteranges; beyond the end -> 416 with
 * `Content-Range: bytes *\/size`; malformed -> ignored, 200), `ETag` and `Last-Modified` with their
 * conditional requests (`If-None-Match`/`If-Modified-Since` -> 304, `If-Match`/`If-Unmodified-Since`
 * -> 412, `If-Range`).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { type ByteRange, type Storage, StorageNotFoundError } from '../infra/storage.ts';
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
  /**
   * The 404's detail when the database names the object but storage no longer holds it (a restored
   * database whose files are gone): a public link gives the one answer of links that do not work.
   */
  missingDetail?: string;
}

/**
 * Opens `range` of the object before any status or header of the answer is set: a missing object is
 * a 404 (`not_found`), never a 206 cut off after its headers or a 500. An object that goes away later,
 * mid-answer, fails the stream, and Fastify ends that response (the process carries on).
 */
async function open(o: ServeObject, reply: FastifyReply, range?: ByteRange): Promise<Readable> {
  try {
    return await o.storage.get(o.key, range);
  } catch (err) {
    throw err instanceof StorageNotFoundError ? missing(o, reply) : err;
  }
}

/**
 * The 404 for an object storage no longer holds, without the file's headers set before it was
 * opened: no ETag or date a browser would revalidate the 404 with (and get a 304 once the files are
 * back), no file name; on a public link nothing that tells it from a link that never worked.
 */
const missing = (o: ServeObject, reply: FastifyReply) => {
  for (const name of ['etag', 'last-modified', 'accept-ranges', 'content-disposition'])
    reply.removeHeader(name);
  reply.header('cache-control', 'no-store');
  return new DomainError('not_found', o.missingDetail ?? 'The file is no longer in storage');
};

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
    // A HEAD reads nothing, but answers as the GET would: 404 for an object storage lost.
    if (req.method === 'HEAD' && !(await o.storage.stat(o.key))) throw missing(o, reply);
    const body = req.method === 'HEAD' ? null : await open(o, reply);
    reply.status(200).type(o.contentType).header('content-length', o.size);
    // An empty stream: Fastify's HEAD handling then keeps our Content-Length.
    return reply.send(body ?? Readable.from([]));
  }
  if (ranges.length === 1) {
    const r = ranges[0] as ByteRange;
    const body = await open(o, reply, r);
    reply
      .status(206)
      .type(o.contentType)
      .header('content-range', `bytes ${r.start}-${r.end}/${o.size}`)
      .header('content-length', r.end - r.start + 1);
    return reply.send(body);
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
  const parts = ranges;
  // The first part is opened before the headers go out (a missing object is a 404); the others
  // as the answer reaches them.
  const first = await open(o, reply, parts[0]);
  reply.status(206).type(`multipart/byteranges; boundary=${boundary}`).header('content-length', length);
  // Sent as the Readable itself: Fastify listens for its errors (a read that fails mid-answer ends
  // that response). Never `.pipe()`d into another stream, which would leave them unheard and
  // crash the process.
  const body = Readable.from(
    (async function* () {
      for (let i = 0; i < parts.length; i++) {
        yield Buffer.from(heads[i] as string);
        const part = i === 0 ? first : await open(o, reply, parts[i]);
        try {
          for await (const chunk of part) yield chunk as Buffer;
        } finally {
          part.destroy();
        }
      }
      yield Buffer.from(tail);
    })(),
    { objectMode: false },
  );
  // A response that ends early (the client went away) never reads the first part: release it.
  body.once('close', () => first.destroy());
  return reply.send(body);
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
