/**
 * The S3 storage (src/infra/s3-storage.ts) against a local S3-compatible server, with the same
 * suite as the local directory (test/storage-suite.ts), and what only S3 has: multipart uploads.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, createS3Storage, type S3Storage } from '../src/infra/s3-storage.ts';
import { StorageLimitError } from '../src/infra/storage.ts';
import { parseS3Url } from '../src/infra/storage-url.ts';
import { type LocalS3, startLocalS3 } from './s3-server.ts';
import { storageSuite } from './storage-suite.ts';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3(63720);
});
afterAll(async () => {
  await s3?.close();
});

const settings = () => ({
  endpoint: s3.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
});

/** Every key under `prefix` in the bucket (the prefix taken off). */
async function keysUnder(storage: S3Storage, prefix: string): Promise<string[]> {
  const res = await storage.client.send(
    new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }),
  );
  return (res.Contents ?? []).map((o) => (o.Key ?? '').slice(prefix.length + 1)).sort();
}

/** Files of multipart uploads not completed (s3rver keeps them under <bucket>/.../uploads). */
function pendingUploadFiles(): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
    );
  return walk(s3.dir)
    .map((p) => relative(s3.dir, p))
    .filter((p) => p.split('/').includes('uploads'));
}

storageSuite('S3-compatible (s3rver)', async () => {
  const prefix = `suite/${randomBytes(4).toString('hex')}`;
  const storage = createS3Storage(
    { bucket: s3.bucket, prefix },
    createS3Client({ ...settings(), bucket: s3.bucket, prefix }),
  );
  return {
    storage,
    everything: async () => [...(await keysUnder(storage, prefix)), ...pendingUploadFiles()],
    close: async () => storage.close(),
  };
});

describe('S3 storage: multipart uploads and settings', () => {
  const make = (partSize = 5 * 1024 * 1024) => {
    const prefix = `mp/${randomBytes(4).toString('hex')}`;
    const storage = createS3Storage(
      { bucket: s3.bucket, prefix },
      createS3Client({ ...settings(), bucket: s3.bucket, prefix }),
      { partSize, queueSize: 2 },
    );
    return { storage, prefix };
  };
  const chunks = (data: Buffer, failAfter?: number) => {
    let offset = 0;
    return new Readable({
      read() {
        if (failAfter !== undefined && offset >= failAfter)
          return this.destroy(new Error('client went away'));
        if (offset >= data.length) return this.push(null);
        const next = data.subarray(offset, offset + 256 * 1024);
        offset += next.length;
        this.push(next);
      },
    });
  };
  const readAll = async (stream: Readable) => {
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };

  it('streams a large body as a multipart upload and reads ranges across its parts', async () => {
    const { storage, prefix } = make();
    const ranges: (string | undefined)[] = [];
    storage.client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === 'GetObjectCommand') ranges.push((args.input as { Range?: string }).Range);
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const data = randomBytes(12 * 1024 * 1024 + 123); // three parts of 5 MiB
      const put = await storage.put('videos/big', chunks(data));
      expect(put.size).toBe(data.length);
      expect((await readAll(await storage.get('videos/big'))).equals(data)).toBe(true);
      const across = { start: 5 * 1024 * 1024 - 10, end: 10 * 1024 * 1024 + 10 };
      expect(
        (await readAll(await storage.get('videos/big', across))).equals(
          data.subarray(across.start, across.end + 1),
        ),
      ).toBe(true);
      expect(await keysUnder(storage, prefix)).toEqual(['videos/big']);
      expect(pendingUploadFiles()).toEqual([]);
      // The range went to the store as an HTTP Range: only those bytes travel.
      expect(ranges).toEqual([undefined, `bytes=${across.start}-${across.end}`]);
    } finally {
      storage.close();
    }
  });

  it('a multipart upload that fails or goes over the limit part-way stores nothing and keeps the old object', async () => {
    const { storage, prefix } = make();
    // Every command the client sends, by name.
    const sent: string[] = [];
    storage.client.middlewareStack.add(
      (next, context) => (args) => {
        sent.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const old = randomBytes(1000);
      await storage.put('videos/one', chunks(old));
      const data = randomBytes(12 * 1024 * 1024);
      // Fails after two parts have gone up.
      await expect(storage.put('videos/one', chunks(data, 11 * 1024 * 1024))).rejects.toThrow(
        'client went away',
      );
      await expect(
        storage.put('videos/one', chunks(data), { maxBytes: 11 * 1024 * 1024 }),
      ).rejects.toBeInstanceOf(StorageLimitError);
      expect((await readAll(await storage.get('videos/one'))).equals(old)).toBe(true);
      expect(await keysUnder(storage, prefix)).toEqual(['videos/one']);
      // Both multipart uploads were started, had parts sent, and were aborted (s3rver answers the
      // abort 405, not implementing it; S3 deletes the parts), never completed.
      const count = (name: string) => sent.filter((n) => n === name).length;
      expect(count('CreateMultipartUploadCommand')).toBe(2);
      expect(count('UploadPartCommand')).toBeGreaterThanOrEqual(2);
      expect(count('AbortMultipartUploadCommand')).toBe(2);
      expect(count('CompleteMultipartUploadCommand')).toBe(0);
    } finally {
      storage.close();
    }
  });

  it('reads STORAGE_URL', () => {
    expect(parseS3Url('s3://my-bucket/videos/prod')).toEqual({ bucket: 'my-bucket', prefix: 'videos/prod' });
    expect(parseS3Url('s3://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
    expect(parseS3Url('s3://my-bucket/')).toEqual({ bucket: 'my-bucket', prefix: '' });
    for (const bad of [
      's3://',
      's3://UPPER/x',
      's3://a/x',
      'http://bucket/x',
      's3://bucket//x',
      's3://bucket/a b',
    ]) {
      expect(parseS3Url(bad), bad).toBeNull();
    }
  });
});
