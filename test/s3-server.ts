/**
 * A local S3-compatible server for tests (@20minutes/s3rver, a maintained fork of s3rver: objects as
 * files in a directory of the test's own), started on a test port and closed by the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** Where the server keeps its files (to prove nothing is left). */
  dir: string;
  /** The variables a Troupe process reads for it (s3rver accepts these fixed credentials). */
  env: Record<string, string>;
  /** Stops the server; its files are removed unless `keepFiles` (default: kept for a restart). */
  close(keepFiles?: boolean): Promise<void>;
}

/** `dir`: the files of an earlier server to serve again (a restart); they are then kept on close. */
export async function startLocalS3(
  port: number,
  opts: { bucket?: string; dir?: string } = {},
): Promise<LocalS3> {
  const bucket = opts.bucket ?? 'troupe-test';
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'troupe-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: dir,
    // s3rver's own signature check disagrees with the SDK's on multipart parts; S3 itself checks
    // signatures, and this mock is about storage, not about authentication.
    allowMismatchedSignatures: true,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    dir,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    async close(keepFiles = opts.dir !== undefined) {
      // Closing twice (a test that failed half-way) must still remove the files.
      await server.close().catch(() => {});
      if (!keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
}
