/**
 * The Storage interface (infra/storage.ts) on S3 or an S3-compatible store (MinIO, R2, Ceph, ...):
 * `STORAGE_URL=s3://bucket/prefix`, endpoint, region and credentials from the usual AWS variables.
 *
 * A put streams the body with @aws-sdk/lib-storage's `Upload`: a body smaller than one part is one
 * PutObject, a larger one a multipart upload of 8 MiB parts, at most 4 in flight (so memory stays
 * near 32 MiB per upload whatever the file's size). S3 makes an object visible only once its
 * PutObject or CompleteMultipartUpload succeeds, and a new version replaces the old one whole, so
 * no temporary name is needed; a put that fails (the body fails, goes over `maxBytes`, or S3
 * refuses) aborts its multipart upload, leaving no parts behind. Reads pass the range through as
 * an HTTP Range header.
 */

import { type Readable, Transform } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DependencyUnavailable } from '../domain/errors.ts';
import {
  type ByteRange,
  byteLimit,
  checkKey,
  type Storage,
  StorageNotFoundError,
  type StoredObject,
} from './storage.ts';
import type { S3Location, S3Settings } from './storage-url.ts';

export function createS3Client(s: S3Settings): S3Client {
  return new S3Client({
    ...(s.region ? { region: s.region } : s.endpoint ? { region: 'us-east-1' } : {}),
    ...(s.endpoint
      ? {
          endpoint: s.endpoint,
          // S3-compatible stores address buckets by path, and many do not know the newer
          // default checksums (aws-chunked bodies with trailers).
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    ...(s.credentials ? { credentials: s.credentials } : {}),
    // A store that does not answer makes a request fail (then 503), not hang: 5 s to connect,
    // 30 s without a byte on an open connection.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    maxAttempts: 3,
  });
}

/** Whether an S3 call failed because the store could not be reached or was unwell. */
function isOutage(err: unknown): boolean {
  if (err instanceof S3ServiceException) {
    const status = err.$metadata?.httpStatusCode ?? 0;
    return status >= 500 || err.name === 'SlowDown';
  }
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    err.name === 'TimeoutError' ||
    (typeof code === 'string' &&
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'EHOSTUNREACH',
        'ENETUNREACH',
        'ENOTFOUND',
        'EAI_AGAIN',
        'EPIPE',
      ].includes(code))
  );
}

const notFound = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404);

/** Runs one S3 call; an outage becomes DependencyUnavailable('storage') (503). */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isOutage(err)) throw new DependencyUnavailable('storage', err);
    throw err;
  }
}

/**
 * The bytes of `range` and no others, whatever the store sent: a store that ignores Range (200
 * with the whole object) or widens it (s3rver answers `bytes=0-0` with the whole object) is cut
 * to what was asked. With S3 itself this passes the bytes through.
 */
function exactly(stream: Readable, range: ByteRange, contentRange: string | undefined): Readable {
  const sentFrom = Number(/^bytes (\d+)-/.exec(contentRange ?? '')?.[1] ?? 0);
  let skip = Math.max(0, range.start - sentFrom);
  let left = range.end - range.start + 1;
  const cut = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (left <= 0) return done();
      let part = chunk;
      if (skip > 0) {
        const dropped = Math.min(skip, part.length);
        skip -= dropped;
        part = part.subarray(dropped);
      }
      if (part.length > left) part = part.subarray(0, left);
      left -= part.length;
      if (left <= 0) {
        // Everything asked for is here: stop reading the rest.
        done(null, part.length > 0 ? part : undefined);
        cut.push(null);
        stream.destroy();
        return;
      }
      done(null, part.length > 0 ? part : undefined);
    },
  });
  stream.on('error', (err) => cut.destroy(err));
  return stream.pipe(cut);
}

export interface S3Storage extends Storage {
  client: S3Client;
  /** Resolves when the bucket answers (HeadBucket); rejects with the reason otherwise. */
  check(timeoutMs: number): Promise<void>;
  close(): void;
}

export function createS3Storage(
  location: S3Location,
  client: S3Client,
  opts: { partSize?: number; queueSize?: number } = {},
): S3Storage {
  const { bucket } = location;
  const keyOf = (key: string) => (location.prefix ? `${location.prefix}/${checkKey(key)}` : checkKey(key));
  const stat = async (key: string): Promise<StoredObject | null> => {
    const Key = keyOf(key);
    try {
      const res = await call(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key })));
      return { size: res.ContentLength ?? 0, storedAt: res.LastModified?.getTime() ?? 0 };
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  };
  return {
    client,
    async put(key, body, putOpts = {}) {
      const Key = keyOf(key);
      const source: Readable = putOpts.maxBytes !== undefined ? body.pipe(byteLimit(putOpts.maxBytes)) : body;
      // pipe() does not pass the body's error on: do it, so the upload stops with it.
      if (source !== body) body.once('error', (err) => source.destroy(err));
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key, Body: source, ContentType: 'application/octet-stream' },
        partSize: opts.partSize ?? 8 * 1024 * 1024,
        queueSize: opts.queueSize ?? 4,
        // The abort is ours (below), so that the put fails with its own error (over the limit,
        // the client went away) even when the abort itself fails.
        leavePartsOnError: true,
      });
      try {
        await call(() => upload.done());
      } catch (err) {
        body.destroy();
        source.destroy();
        // A multipart upload that was started: abort it, so no parts are left to be billed. (Give
        // the bucket a lifecycle rule that aborts incomplete uploads too, for a process that dies.)
        if (upload.uploadId) {
          await client
            .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId: upload.uploadId }))
            .catch(() => {});
        }
        throw err;
      }
      const stored = await stat(key);
      if (!stored) throw new Error(`S3 put of ${Key} finished but the object is not there`);
      return stored;
    },
    async get(key, range?: ByteRange) {
      const Key = keyOf(key);
      try {
        const res = await call(() =>
          client.send(
            new GetObjectCommand({
              Bucket: bucket,
              Key,
              ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
            }),
          ),
        );
        const stream = res.Body as Readable;
        return range ? exactly(stream, range, res.ContentRange) : stream;
      } catch (err) {
        if (notFound(err)) throw new StorageNotFoundError(key);
        throw err;
      }
    },
    stat,
    async delete(key) {
      const Key = keyOf(key);
      await call(() => client.send(new DeleteObjectCommand({ Bucket: bucket, Key })));
    },
    async check(timeoutMs) {
      await client.send(new HeadBucketCommand({ Bucket: bucket }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
    },
    close: () => client.destroy(),
  };
}
