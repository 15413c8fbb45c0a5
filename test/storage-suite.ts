/**
 * The behaviour every `Storage` implementation must have (src/infra/storage.ts). The local
 * directory runs it in src/infra/storage.test.ts; an S3-compatible implementation runs the same
 * suite against its own store.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBytes, type Storage, StorageLimitError, StorageNotFoundError } from '../src/infra/storage.ts';

export interface StorageFixture {
  storage: Storage;
  /** Keys of every object in the store, including temporary ones (to prove nothing is left). */
  everything(): Promise<string[]>;
  close(): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** A stream of `bytes` in chunks of 64 KiB; fails with `error` after `failAfter` bytes when given. */
function source(bytes: Buffer, opts: { failAfter?: number; error?: Error } = {}): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (opts.failAfter !== undefined && offset >= opts.failAfter) {
        this.destroy(opts.error ?? new Error('client went away'));
        return;
      }
      if (offset >= bytes.length) {
        this.push(null);
        return;
      }
      const next = bytes.subarray(offset, offset + 64 * 1024);
      offset += next.length;
      this.push(next);
    },
  });
}

export function storageSuite(name: string, make: () => Promise<StorageFixture>) {
  describe(`storage: ${name}`, () => {
    let fx: StorageFixture;
    beforeEach(async () => {
      fx = await make();
    });
    afterEach(async () => {
      await fx.close();
    });
    const data = randomBytes(300 * 1024 + 17);

    it('stores a stream and reads it back whole, with its size', async () => {
      const put = await fx.storage.put('videos/a/one', source(data));
      expect(put.size).toBe(data.length);
      expect((await fx.storage.stat('videos/a/one'))?.size).toBe(data.length);
      expect((await readAll(await fx.storage.get('videos/a/one'))).equals(data)).toBe(true);
    });

    it('reads inclusive byte ranges: first bytes, middle, last byte', async () => {
      await fx.storage.put('videos/a/one', source(data));
      const first = await readAll(await fx.storage.get('videos/a/one', { start: 0, end: 0 }));
      expect(first.equals(data.subarray(0, 1))).toBe(true);
      const middle = await readAll(await fx.storage.get('videos/a/one', { start: 1000, end: 200_000 }));
      expect(middle.equals(data.subarray(1000, 200_001))).toBe(true);
      const last = data.length - 1;
      const tail = await readAll(await fx.storage.get('videos/a/one', { start: last, end: last }));
      expect(tail.equals(data.subarray(last))).toBe(true);
      const bytes = await readBytes(fx.storage, 'videos/a/one', data.length - 10, 100, data.length);
      expect(bytes.equals(data.subarray(data.length - 10))).toBe(true);
    });

    it('answers null / not found for a missing object, and deleting one is no error', async () => {
      expect(await fx.storage.stat('videos/missing')).toBeNull();
      await expect(fx.storage.get('videos/missing')).rejects.toBeInstanceOf(StorageNotFoundError);
      await fx.storage.delete('videos/missing');
    });

    it('deletes', async () => {
      await fx.storage.put('videos/a/one', source(data));
      await fx.storage.delete('videos/a/one');
      expect(await fx.storage.stat('videos/a/one')).toBeNull();
      expect(await fx.everything()).toEqual([]);
    });

    it('replaces an object only once the new one is complete; a reader of the old keeps reading it', async () => {
      const old = randomBytes(200 * 1024);
      await fx.storage.put('videos/a/one', source(old));
      const reading = await fx.storage.get('videos/a/one');
      await fx.storage.put('videos/a/one', source(data));
      expect((await readAll(reading)).equals(old)).toBe(true);
      expect((await readAll(await fx.storage.get('videos/a/one'))).equals(data)).toBe(true);
    });

    it('stores nothing past maxBytes, and the old object stays', async () => {
      const old = randomBytes(1000);
      await fx.storage.put('videos/a/one', source(old));
      await expect(
        fx.storage.put('videos/a/one', source(data), { maxBytes: data.length - 1 }),
      ).rejects.toBeInstanceOf(StorageLimitError);
      await expect(fx.storage.put('videos/a/two', source(data), { maxBytes: 1000 })).rejects.toBeInstanceOf(
        StorageLimitError,
      );
      expect(await fx.storage.stat('videos/a/two')).toBeNull();
      expect((await readAll(await fx.storage.get('videos/a/one'))).equals(old)).toBe(true);
      expect(await fx.everything()).toEqual(['videos/a/one']);
      // Exactly at the limit is fine.
      expect((await fx.storage.put('videos/a/two', source(data), { maxBytes: data.length })).size).toBe(
        data.length,
      );
    });

    it('stores nothing when the source fails part-way (a client that disconnects)', async () => {
      const boom = new Error('aborted');
      await expect(
        fx.storage.put('videos/a/one', source(data, { failAfter: 128 * 1024, error: boom })),
      ).rejects.toBe(boom);
      expect(await fx.storage.stat('videos/a/one')).toBeNull();
      expect(await fx.everything()).toEqual([]);
    });

    it('refuses keys that could leave the store', async () => {
      for (const key of ['../x', 'videos/../../etc/passwd', '/abs', 'a//b', 'A/B', '', 'a/.tmp', '.tmp/x']) {
        await expect(fx.storage.put(key, source(Buffer.from('x'))), key).rejects.toThrow(
          /Invalid storage key/,
        );
        await expect(fx.storage.stat(key), key).rejects.toThrow(/Invalid storage key/);
      }
    });

    it('serves many concurrent range readers of one object', async () => {
      await fx.storage.put('videos/a/one', source(data));
      const reads = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const start = i * 1000;
          return (await readAll(await fx.storage.get('videos/a/one', { start, end: start + 4095 }))).equals(
            data.subarray(start, start + 4096),
          );
        }),
      );
      expect(reads.every(Boolean)).toBe(true);
    });
  });
}
