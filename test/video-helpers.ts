import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { ORIGIN, type TestApp } from './harness.ts';

export const fixture = (name: 'tiny.mp4' | 'tiny.webm') =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** Every file under the app's storage directory (temporary ones included), relative to it. */
export function storedFiles(app: TestApp): string[] {
  const root = app.config.storageDir;
  const walk = (dir: string): string[] => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  };
  return walk(root)
    .map((p) => relative(root, p))
    .sort();
}

/** A raw-body upload as the browser sends it. */
export function uploadRaw(
  app: TestApp,
  cookie: string,
  itemId: string,
  body: Buffer,
  contentType = 'video/mp4',
  query = '',
) {
  return app.troupe.server.inject({
    method: 'PUT',
    url: `/api/items/${itemId}/file${query}`,
    headers: { cookie, origin: ORIGIN, 'content-type': contentType },
    payload: body,
  });
}

/** A multipart upload with the file in the part `field`. */
export function uploadMultipart(
  app: TestApp,
  cookie: string,
  itemId: string,
  body: Buffer,
  filename = 'clip.mp4',
  field = 'file',
) {
  const boundary = '----troupe-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    body,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.troupe.server.inject({
    method: 'PUT',
    url: `/api/items/${itemId}/file`,
    headers: { cookie, origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

export async function createVideoItem(
  app: TestApp,
  cookie: string,
  workspaceId: string,
  title = 'Launch film',
) {
  const res = await app.request({
    method: 'POST',
    url: `/api/workspaces/${workspaceId}/items`,
    cookie,
    body: { kind: 'video', title },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

/** A video item with tiny.mp4 uploaded. */
export async function uploadedVideo(app: TestApp, cookie: string, workspaceId: string, title?: string) {
  const item = await createVideoItem(app, cookie, workspaceId, title);
  const res = await uploadRaw(app, cookie, item.id, fixture('tiny.mp4'), 'video/mp4', '?filename=launch.mp4');
  expect(res.statusCode, res.body).toBe(200);
  return { item, file: res.json() as { fileId: string; size: number } };
}
