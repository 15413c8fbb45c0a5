/**
 * Serving a stored object whose storage read fails (SPEC §9: never a 500 for it, and never a
 * process that dies): a multi-range answer used to read its parts through `.pipe()`, where a
 * failed read had nobody to hear it and ended the process.
 */
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from '../src/http/problem.ts';
import { serveObject } from '../src/http/serve-object.ts';
import { type ByteRange, type Storage, StorageNotFoundError } from '../src/infra/storage.ts';
import { dialects, scratchDatabase } from './harness.ts';
import { signUpOnNode, startNode, type TroupeNode, waitReady } from './nodes.ts';
import { fixture } from './video-helpers.ts';

const mp4 = fixture('tiny.mp4');

/** A port nobody listens on now (the OS picks it). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

describe.each(dialects)('a real server process on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  });

  it('survives a multi-range GET of a file storage lost: 404, and /healthz answers after', async () => {
    const scratch = await scratchDatabase(dialect);
    cleanups.push(scratch.drop);
    const node: TroupeNode = startNode(await freePort(), {
      DATA_DIR: scratch.dir,
      DATABASE_URL: dialect === 'sqlite' ? `sqlite:${join(scratch.dir, 'troupe.sqlite')}` : scratch.url,
      AUTH_SECRET: 'serve-object-secret-serve-object-0123456',
      SIGN_UP_RATE_LIMIT: '100000',
    });
    cleanups.push(() => node.stop());
    await waitReady(node, 30_000);
    const json = { 'content-type': 'application/json', origin: node.url };
    const cookie = await signUpOnNode(node, 'ranges@example.com', 'Ranges');
    const post = async (url: string, body: unknown) => {
      const res = await fetch(`${node.url}${url}`, {
        method: 'POST',
        headers: { ...json, cookie },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string };
    };
    const ws = await post('/api/workspaces', { name: 'Ranges' });
    const item = await post(`/api/workspaces/${ws.id}/items`, { kind: 'video', title: 'Lost' });
    const uploaded = await fetch(`${node.url}/api/items/${item.id}/file`, {
      method: 'PUT',
      headers: { cookie, origin: node.url, 'content-type': 'video/mp4' },
      body: mp4,
    });
    expect(uploaded.status).toBe(200);
    const { fileId } = (await uploaded.json()) as { fileId: string };
    rmSync(join(scratch.dir, 'files', 'videos', item.id, fileId));

    // Before the fix the process died here (exit 1), cutting this request off.
    const answer = await new Promise<{ status: number; body: string }>((resolve) => {
      const cut = (err: Error) => resolve({ status: 0, body: `cut off: ${err.message}` });
      const req = httpRequest(
        `${node.url}/api/items/${item.id}/file`,
        { headers: { cookie, range: 'bytes=0-1,5-6' } },
        (res) => {
          let body = '';
          res.setEncoding('latin1');
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          res.on('error', cut);
        },
      );
      req.on('error', cut);
      req.end();
    });
    expect(answer.status, `${answer.body}\n${node.output()}`).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'not_found' });
    // Still up.
    await new Promise((r) => setTimeout(r, 300));
    expect(node.child.exitCode, node.output()).toBeNull();
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
  }, 60_000);
});

describe('a storage read that fails mid-answer', () => {
  /** An object of 100 bytes whose first read works and whose later reads fail. */
  const flaky = (failAt: 'open' | 'stream'): Storage => {
    let reads = 0;
    return {
      put: async () => ({ size: 100, storedAt: 0 }),
      stat: async () => ({ size: 100, storedAt: 0 }),
      delete: async () => {},
      async get(key: string, range?: ByteRange) {
        reads++;
        const r = range ?? { start: 0, end: 99 };
        if (reads === 1) return Readable.from([Buffer.alloc(r.end - r.start + 1, 7)]);
        if (failAt === 'open') throw new StorageNotFoundError(key);
        return new Readable({
          read() {
            this.destroy(new Error('the disk went away'));
          },
        });
      },
    };
  };

  for (const failAt of ['open', 'stream'] as const) {
    it(`ends that response only (the later part fails at ${failAt}); the server carries on`, async () => {
      const app = Fastify({ logger: false });
      app.setErrorHandler(errorHandler);
      let storage = flaky(failAt);
      app.get('/o', (req, reply) =>
        serveObject(req, reply, {
          storage,
          key: 'videos/x',
          size: 100,
          version: 'v1',
          lastModified: 0,
          contentType: 'video/mp4',
          cacheControl: 'no-store',
        }),
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const { port } = app.server.address() as AddressInfo;
        const outcome = await new Promise<string>((resolve) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, path: '/o', headers: { range: 'bytes=0-1,50-60' } },
            (res) => {
              res.on('data', () => {});
              res.on('end', () => resolve('complete'));
              res.on('error', () => resolve('cut off'));
              res.on('aborted', () => resolve('cut off'));
            },
          );
          req.on('error', () => resolve('cut off'));
          // Before the fix: the failure went unheard and the answer hung (or the process died).
          req.setTimeout(5000, () => {
            resolve('hung');
            req.destroy();
          });
          req.end();
        });
        // The headers promised more than came: the client sees the answer cut off.
        expect(outcome).toBe('cut off');
        storage = flaky(failAt);
        const again = await fetch(`http://127.0.0.1:${port}/o`);
        expect(again.status).toBe(200);
        expect((await again.arrayBuffer()).byteLength).toBe(100);
      } finally {
        await app.close();
      }
    });
  }
});
