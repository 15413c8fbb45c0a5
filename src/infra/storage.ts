/**
 * Where video files, posters and their like live: a small interface (put, get a range, stat,
 * delete) with a local-directory implementation here. An S3-compatible implementation goes behind
 * the same interface and must pass the same suite (test/storage-suite.ts).
 *
 * The promise every implementation keeps: an object appears under its key only once all of its
 * bytes are stored. A put that fails, is aborted or goes over its limit leaves nothing behind
 * under the key (and no temporary file once the put has settled).
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StoredObject {
  size: number;
  /** When the object was stored, epoch milliseconds. */
  storedAt: number;
}

/** Inclusive byte range, as HTTP Range counts. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface Storage {
  /**
   * Streams `body` into the object `key`, replacing any object there only once every byte is
   * stored. Rejects with `StorageLimitError` past `maxBytes` (nothing stored) and with the
   * stream's error when `body` fails or is aborted (nothing stored).
   */
  put(key: string, body: Readable, opts?: { maxBytes?: number }): Promise<StoredObject>;
  /** The bytes of `key` (all, or the inclusive `range`); rejects with `StorageNotFoundError`. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** Size and time of `key`, or null when there is no such object. */
  stat(key: string): Promise<StoredObject | null>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export class StorageLimitError extends Error {
  constructor(readonly maxBytes: number) {
    super(`More than ${maxBytes} bytes`);
    this.name = 'StorageLimitError';
  }
}

export class StorageNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored object ${key}`);
    this.name = 'StorageNotFoundError';
  }
}

/** Keys are slash-separated lower-case names: nothing can climb out of the store. */
const KEY = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9]+)?(\/[a-z0-9][a-z0-9_-]*(\.[a-z0-9]+)?){0,7}$/;

export function checkKey(key: string): string {
  if (key.length > 200 || !KEY.test(key)) throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
  return key;
}

/** Counts bytes as they pass and fails the stream past `max`. */
export function byteLimit(max: number): Transform & { bytes: number } {
  let bytes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      t.bytes = bytes;
      if (bytes > max) done(new StorageLimitError(max));
      else done(null, chunk);
    },
  }) as Transform & { bytes: number };
  t.bytes = 0;
  return t;
}

const TMP_DIR = '.tmp';

/** Flush written data to disk in the background every this many bytes (see `fileSink`). */
const SYNC_EVERY = 32 * 1024 * 1024;

/**
 * A writable that writes into an open file and, as it goes, asks the disk to keep up (fdatasync
 * every 32 MiB, not awaited), so the fsync that completes the object has little left to flush:
 * writing to disk overlaps receiving. Its `final` waits for those and fsyncs the file: once the
 * stream finishes, every byte is on disk.
 */
function fileSink(handle: FileHandle): Writable {
  let written = 0;
  let syncedAt = 0;
  const syncs: Promise<void>[] = [];
  const writeAll = async (buffers: Buffer[]) => {
    let pending = buffers;
    while (pending.length > 0) {
      const total = pending.reduce((n, b) => n + b.length, 0);
      const { bytesWritten } = await handle.writev(pending);
      written += bytesWritten;
      if (bytesWritten >= total) break;
      // A short write: go on from where it stopped.
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      pending = rest;
    }
    if (written - syncedAt >= SYNC_EVERY) {
      syncedAt = written;
      const sync = handle.datasync();
      sync.catch(() => {}); // awaited in final; never an unhandled rejection if the put fails first
      syncs.push(sync);
    }
  };
  return new Writable({
    highWaterMark: 1024 * 1024,
    writev(chunks, done) {
      writeAll(chunks.map((c) => c.chunk as Buffer)).then(() => done(), done);
    },
    final(done) {
      Promise.all(syncs)
        .then(() => handle.sync())
        .then(() => done(), done);
    },
  });
}

/**
 * Objects as files under `root` (the key is the relative path). A put writes to `.tmp/<random>`
 * on the same file system, flushes it to disk (fsync) and renames it into place: a rename is
 * atomic, so a reader sees the old object or the whole new one, never part of one. A crash
 * mid-write leaves only a file under `.tmp/`, which `sweepTemp` removes.
 */
/** The first read of every stream (then reads double up to the high-water mark). */
const FIRST_READ = 64 * 1024;

export function createLocalStorage(root: string, opts: { highWaterMark?: number } = {}): LocalStorage {
  const pathOf = (key: string) => join(root, checkKey(key));
  const tmpRoot = join(root, TMP_DIR);
  const readHighWaterMark = opts.highWaterMark ?? 1024 * 1024;

  return {
    root,
    async put(key, body, putOpts = {}) {
      const target = pathOf(key);
      await mkdir(tmpRoot, { recursive: true });
      const tmp = join(tmpRoot, `${randomBytes(12).toString('hex')}.part`);
      const handle = await open(tmp, 'wx', 0o600);
      try {
        if (putOpts.maxBytes !== undefined)
          await pipeline(body, byteLimit(putOpts.maxBytes), fileSink(handle));
        else await pipeline(body, fileSink(handle));
        await handle.close();
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp, target);
      } catch (err) {
        body.destroy();
        await handle.close().catch(() => {});
        await unlink(tmp).catch(() => {});
        throw err;
      }
      const s = await stat(target);
      return { size: s.size, storedAt: s.mtimeMs };
    },
    async get(key, range) {
      const path = pathOf(key);
      // Open first, so a missing object is an error of this call, not of the stream.
      const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? new StorageNotFoundError(key) : err;
      });
      // The stream owns the handle and closes it when done or destroyed. Reads start small and
      // double up to the high-water mark: a reader's first bytes leave after one small read even
      // when many readers start at once (time to first byte), long streams move in big chunks.
      const start = range?.start ?? 0;
      const end = range ? range.end + 1 : Number.POSITIVE_INFINITY;
      async function* chunks() {
        try {
          let at = start;
          let size = Math.min(FIRST_READ, readHighWaterMark);
          while (at < end) {
            const want = Math.min(size, end - at);
            const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, at);
            if (bytesRead === 0) break;
            at += bytesRead;
            yield bytesRead === want ? buffer : buffer.subarray(0, bytesRead);
            size = Math.min(size * 2, readHighWaterMark);
          }
        } finally {
          await handle.close();
        }
      }
      return Readable.from(chunks(), { objectMode: false, highWaterMark: readHighWaterMark });
    },
    async stat(key) {
      try {
        const s = await stat(pathOf(key));
        return s.isFile() ? { size: s.size, storedAt: s.mtimeMs } : null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async sweepTemp(olderThanMs, now = Date.now()) {
      let names: string[];
      try {
        names = await readdir(tmpRoot);
      } catch {
        return 0;
      }
      let removed = 0;
      for (const name of names) {
        const p = join(tmpRoot, name);
        const s = await stat(p).catch(() => null);
        if (s && now - s.mtimeMs >= olderThanMs) {
          await rm(p, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

export interface LocalStorage extends Storage {
  root: string;
  /**
   * Removes temporary files older than `olderThanMs` (left by a process that died mid-upload);
   * returns how many. Run at start: uploads in flight elsewhere are younger than the cut-off.
   */
  sweepTemp(olderThanMs: number, now?: number): Promise<number>;
}

/** Reads `length` bytes at `offset` (fewer at the end of the object). */
export async function readBytes(
  storage: Storage,
  key: string,
  offset: number,
  length: number,
  size: number,
): Promise<Buffer> {
  if (length <= 0 || offset >= size) return Buffer.alloc(0);
  const end = Math.min(size, offset + length) - 1;
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key, { start: offset, end })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
