/**
 * Video files on S3-compatible storage (STORAGE_URL=s3://bucket/prefix) end to end: upload, facts
 * read from the stored object, whole and Range reads, removal; and the store lost mid-run (503
 * `unavailable` naming file storage, /readyz naming it) and back. Against a local S3-compatible
 * server of the test's own (test/s3-server.ts).
 */
import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspace, dialects, signUp, startTestApp, type TestApp } from './harness.ts';
import { type LocalS3, startLocalS3 } from './s3-server.ts';
import { createVideoItem, fixture, uploadRaw } from './video-helpers.ts';

const mp4 = fixture('tiny.mp4');

async function eventually(check: () => Promise<void>, within = 10_000): Promise<void> {
  const until = Date.now() + within;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe.each(dialects)('video files on S3-compatible storage, %s', (dialect) => {
  let s3: LocalS3 | null = null;
  let app: TestApp | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
    await s3?.close(false);
    s3 = null;
  });
  const PORT = dialect === 'sqlite' ? 63722 : 63723;

  const start = async () => {
    s3 = await startLocalS3(PORT);
    const prefix = `app-${randomBytes(4).toString('hex')}`;
    app = await startTestApp(dialect, { env: { STORAGE_URL: `s3://${s3.bucket}/${prefix}`, ...s3.env } });
    const admin = await signUp(app);
    const ws = await createWorkspace(app, admin.cookie);
    const bucket = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const objects = async () => {
      const res = await bucket.send(new ListObjectsV2Command({ Bucket: s3?.bucket, Prefix: `${prefix}/` }));
      return (res.Contents ?? []).map((o) => (o.Key ?? '').slice(prefix.length + 1)).sort();
    };
    return { app, admin, ws, objects, close: () => bucket.destroy() };
  };

  it('stores the upload in the bucket, reads it whole and by Range, and removes it with the item', async () => {
    const { app, admin, ws, objects, close } = await start();
    try {
      expect((await app.request({ method: 'GET', url: '/readyz' })).json().checks).toEqual({
        database: 'up',
        storage: 'up',
      });
      const item = await createVideoItem(app, admin.cookie, ws.id);
      const up = await uploadRaw(app, admin.cookie, item.id, mp4);
      expect(up.statusCode, up.body).toBe(200);
      // Read from the stored object: the container's facts.
      expect(up.json()).toMatchObject({ size: mp4.length, durationMs: 2000, width: 160, height: 90 });
      expect(await objects()).toEqual([`videos/${item.id}/${up.json().fileId}`]);
      const get = (headers: Record<string, string> = {}) =>
        app.troupe.server.inject({
          method: 'GET',
          url: `/api/items/${item.id}/file`,
          headers: { cookie: admin.cookie, ...headers },
        });
      const whole = await get();
      expect(whole.statusCode).toBe(200);
      expect(whole.rawPayload.equals(mp4)).toBe(true);
      for (const [range, start, end] of [
        ['bytes=0-0', 0, 0],
        ['bytes=0-99', 0, 99],
        [`bytes=1000-${mp4.length - 1}`, 1000, mp4.length - 1],
        ['bytes=-500', mp4.length - 500, mp4.length - 1],
      ] as const) {
        const part = await get({ range });
        expect(part.statusCode, range).toBe(206);
        expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${mp4.length}`);
        expect(part.rawPayload.equals(mp4.subarray(start, end + 1)), range).toBe(true);
      }
      // Deleted for good (a plain delete keeps it in the trash for 30 days).
      const del = await app.request({
        method: 'DELETE',
        url: `/api/items/${item.id}?permanent=true`,
        cookie: admin.cookie,
      });
      expect(del.statusCode).toBe(204);
      await app.troupe.storageSweeper.runOnce();
      expect(await objects()).toEqual([]);
    } finally {
      close();
    }
  });

  it('a store that goes away: 503 naming file storage, /readyz names it, back when it is', async () => {
    const { app, admin, ws, close } = await start();
    try {
      const item = await createVideoItem(app, admin.cookie, ws.id);
      expect((await uploadRaw(app, admin.cookie, item.id, mp4)).statusCode).toBe(200);
      const dir = s3?.dir as string;
      await s3?.close(true);
      const t = Date.now();
      const lost = await app.troupe.server.inject({
        method: 'GET',
        url: `/api/items/${item.id}/file`,
        headers: { cookie: admin.cookie },
      });
      expect(lost.statusCode, lost.body).toBe(503);
      expect(lost.json()).toMatchObject({ code: 'unavailable', detail: expect.stringMatching(/storage/) });
      expect(Date.now() - t).toBeLessThan(5_000);
      const other = await createVideoItem(app, admin.cookie, ws.id, 'Second');
      expect((await uploadRaw(app, admin.cookie, other.id, mp4)).statusCode).toBe(503);
      const ready = await app.request({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().down).toEqual(['storage']);
      expect((await app.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      s3 = await startLocalS3(PORT, { dir });
      await eventually(async () => {
        expect((await app.request({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      });
      const back = await app.troupe.server.inject({
        method: 'GET',
        url: `/api/items/${item.id}/file`,
        headers: { cookie: admin.cookie },
      });
      expect(back.statusCode).toBe(200);
      expect(back.rawPayload.equals(mp4)).toBe(true);
    } finally {
      close();
    }
  });
});
