/**
 * Several nodes on one PostgreSQL database (docs/OPERATIONS.md): they start together on an empty
 * database, each runs the migrations under one advisory lock, and all of them serve; and three
 * nodes with one Redis act as one server: sessions, keys, every change at the next request on
 * another node, mail sent exactly once by several workers, rate limits counted once.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDatabase } from './harness.ts';
import { startNode, type TroupeNode, waitReady } from './nodes.ts';
import { startLocalS3 } from './s3-server.ts';
import { startSmtpListener } from './smtp-listener.ts';

const pgOnly = process.env.TEST_DATABASE_URL ? describe : describe.skip;

pgOnly('nodes on one PostgreSQL database', () => {
  const nodes: TroupeNode[] = [];
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
    for (const drop of drops.splice(0)) await drop();
  });

  it('three nodes started at once on an empty database all come up, and migrate once', async () => {
    const db = await scratchDatabase('postgres');
    drops.push(db.drop);
    const env = { DATABASE_URL: db.url, AUTH_SECRET: 'cluster-secret-cluster-secret-cluster-0123' };
    nodes.push(...[3961, 3962, 3963].map((port) => startNode(port, env)));
    await Promise.all(nodes.map((n) => waitReady(n)));
    // Each serves requests on the shared schema: a sign-up on one is a sign-in on another.
    const email = `cluster-${Date.now()}@example.com`;
    const body = JSON.stringify({ email, name: 'Cluster', password: 'correct horse battery' });
    const headers = (n: TroupeNode) => ({ 'content-type': 'application/json', origin: n.url });
    const [a, b] = nodes as [TroupeNode, TroupeNode];
    const up = await fetch(`${a.url}/api/auth/sign-up/email`, { method: 'POST', headers: headers(a), body });
    expect(up.status).toBe(200);
    const cookie = up.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const me = await fetch(`${b.url}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect((await me.json()).email).toBe(email);
    for (const n of nodes) expect(n.output()).not.toMatch(/already exists|Migration .* failed/i);
  }, 120_000);
});

const redisUrl = process.env.TEST_REDIS_URL;

/** A mail's raw source with quoted-printable soft breaks and escapes undone (enough to find links). */
const unQuote = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));

async function eventually(check: () => Promise<void>, within = 20_000): Promise<void> {
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

(process.env.TEST_DATABASE_URL && redisUrl ? describe : describe.skip)(
  'three nodes on one PostgreSQL and one Redis serve as one',
  () => {
    const stops: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
    });

    it('sessions, keys, changes, revocations, mail, files and rate limits hold across nodes', async () => {
      const db = await scratchDatabase('postgres');
      stops.push(db.drop);
      const smtp = await startSmtpListener({ delayMs: 20 });
      stops.push(smtp.close);
      const prefix = `troupe-cluster-${randomBytes(4).toString('hex')}:`;
      stops.push(async () => {
        const redis = new Redis(redisUrl as string);
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
      const s3 = await startLocalS3(63724);
      stops.push(() => s3.close());
      const sql = new pg.Client({ connectionString: db.url });
      const names = ['A', 'B', 'C'] as const;
      const [a, b, c] = names.map((name, i) =>
        startNode(3981 + i, {
          DATABASE_URL: db.url,
          AUTH_SECRET: 'cluster-secret-cluster-secret-cluster-0123',
          SMTP_URL: smtp.url,
          MAIL_FROM: `Troupe ${name} <node-${name.toLowerCase()}@troupe.test>`,
          REDIS_URL: redisUrl as string,
          REDIS_KEY_PREFIX: prefix,
          SIGN_IN_RATE_LIMIT: '5',
          STORAGE_URL: `s3://${s3.bucket}/cluster`,
          ...s3.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }),
      ) as [TroupeNode, TroupeNode, TroupeNode];
      stops.push(() => Promise.all([a, b, c].map((n) => n.stop())).then(() => {}));
      await Promise.all([a, b, c].map((n) => waitReady(n)));
      await sql.connect();
      stops.push(() => sql.end());

      const call = async (
        node: TroupeNode,
        method: string,
        path: string,
        auth: { cookie?: string; key?: string } = {},
        body?: unknown,
      ) => {
        const res = await fetch(`${node.url}${path}`, {
          method,
          headers: {
            origin: node.url,
            ...(auth.cookie ? { cookie: auth.cookie } : {}),
            ...(auth.key ? { authorization: `Bearer ${auth.key}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
      };
      const signUp = async (node: TroupeNode, name: string) => {
        const email = `${name.toLowerCase()}-${randomBytes(3).toString('hex')}@example.com`;
        const res = await fetch(`${node.url}/api/auth/sign-up/email`, {
          method: 'POST',
          headers: { origin: node.url, 'content-type': 'application/json' },
          body: JSON.stringify({ email, name, password: 'correct horse battery' }),
        });
        expect(res.status).toBe(200);
        const cookie = res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
        const id = ((await res.json()) as { user: { id: string } }).user.id;
        await sql.query('UPDATE "user" SET "emailVerified" = true WHERE id = $1', [id]);
        return { email, cookie, id };
      };
      /** The invitation link's token in the mail the SMTP server got for `email`. */
      const inviteToken = async (email: string) => {
        let token = '';
        await eventually(async () => {
          const mail = smtp.received.find((m) => m.to.includes(email) && m.raw.includes('invited you'));
          token = /\/invite\/([A-Za-z0-9_-]+)/.exec(unQuote(mail?.raw ?? ''))?.[1] ?? '';
          expect(token).not.toBe('');
        });
        return token;
      };

      // Sessions: made on one node, good on every other.
      const admin = await signUp(a, 'Ada');
      for (const n of [b, c]) expect((await call(n, 'GET', '/api/me', admin)).json.email).toBe(admin.email);
      const ws = (await call(b, 'POST', '/api/workspaces', admin, { name: 'Cluster Studio' })).json;
      expect(
        (await call(c, 'POST', `/api/workspaces/${ws.id}/billing/seats`, admin, { seats: 50 })).status,
      ).toBe(200);
      const wsPath = `/api/workspaces/${ws.id}`;

      // Invited on A, the mail sent by whichever node's worker, accepted on B.
      const dev = await signUp(c, 'Dev');
      const creator = await signUp(c, 'Cleo');
      expect(
        (await call(a, 'POST', `${wsPath}/invitations`, admin, { emails: [dev.email], role: 'developer' }))
          .status,
      ).toBe(201);
      expect(
        (await call(a, 'POST', `${wsPath}/invitations`, admin, { emails: [creator.email], role: 'creator' }))
          .status,
      ).toBe(201);
      expect(
        (await call(b, 'POST', `/api/invitations/${await inviteToken(dev.email)}/accept`, dev)).status,
      ).toBe(200);
      expect(
        (await call(b, 'POST', `/api/invitations/${await inviteToken(creator.email)}/accept`, creator))
          .status,
      ).toBe(200);

      // API keys: made on C, good on A and B.
      const key = (await call(c, 'POST', `${wsPath}/api-keys`, dev, { name: 'CI' })).json;
      for (const n of [a, b]) expect((await call(n, 'GET', wsPath, { key: key.key })).status).toBe(200);

      // The members page, cached on B and C, shows a role change made on A at the next read.
      const roleOf = async (n: TroupeNode, userId: string) =>
        (await call(n, 'GET', `${wsPath}/members`, admin)).json.members.find(
          (m: { userId?: string }) => m.userId === userId,
        )?.role;
      for (const n of [b, c]) expect(await roleOf(n, creator.id)).toBe('creator');
      for (const n of [b, c]) expect(await roleOf(n, creator.id)).toBe('creator'); // now from the cache
      expect(
        (await call(a, 'PATCH', `${wsPath}/members/${creator.id}`, admin, { role: 'viewer' })).status,
      ).toBe(200);
      for (const n of [b, c]) expect(await roleOf(n, creator.id)).toBe('viewer');
      // ... and the new role acts on every node at once.
      const draft = { kind: 'draft', title: 'Cut 1' };
      expect((await call(c, 'POST', `${wsPath}/items`, creator, draft)).status).toBe(403);
      expect(
        (await call(b, 'PATCH', `${wsPath}/members/${creator.id}`, admin, { role: 'creator' })).status,
      ).toBe(200);
      expect((await call(a, 'POST', `${wsPath}/items`, creator, draft)).status).toBe(201);

      // A key revoked on B is dead on C and A at the next request.
      expect((await call(b, 'DELETE', `${wsPath}/api-keys/${key.id}`, dev)).status).toBe(204);
      for (const n of [c, a]) expect((await call(n, 'GET', wsPath, { key: key.key })).status).toBe(401);
      // A key whose owner is demoted below Developer on A is dead on B.
      const key2 = (await call(c, 'POST', `${wsPath}/api-keys`, dev, { name: 'CI 2' })).json;
      expect((await call(b, 'GET', wsPath, { key: key2.key })).status).toBe(200);
      expect((await call(a, 'PATCH', `${wsPath}/members/${dev.id}`, admin, { role: 'creator' })).status).toBe(
        200,
      );
      expect((await call(b, 'GET', wsPath, { key: key2.key })).status).toBe(401);
      // A member removed on C is out on A and B.
      expect((await call(a, 'GET', wsPath, creator)).status).toBe(200);
      expect((await call(c, 'DELETE', `${wsPath}/members/${creator.id}`, admin)).status).toBe(204);
      for (const n of [a, b]) expect((await call(n, 'GET', wsPath, creator)).status).toBe(404);
      // Signed out on A: the session is dead on B and C.
      expect((await call(a, 'POST', '/api/auth/sign-out', dev, {})).status).toBe(200);
      for (const n of [b, c]) expect((await call(n, 'GET', '/api/me', dev)).status).toBe(401);

      // Mail: 54 invitations in 27 calls (the limit is 30 in 10 minutes, two were made above)
      // made on the three nodes at once (each call wakes its
      // node's worker, so the three claim side by side), every one delivered exactly once, by more
      // than one node's worker.
      const before = smtp.received.length;
      const invited = await Promise.all(
        Array.from({ length: 27 }, (_, k) =>
          call([a, b, c][k % 3] as TroupeNode, 'POST', `${wsPath}/invitations`, admin, {
            emails: [`guest-${k}-1@example.com`, `guest-${k}-2@example.com`],
            role: 'viewer',
          }),
        ),
      );
      for (const r of invited) expect(r.status).toBe(201);
      await eventually(async () => {
        const open = await sql.query(
          "SELECT count(*)::int AS n FROM mail_outbox WHERE status IN ('pending', 'sending')",
        );
        expect(open.rows[0].n).toBe(0);
      });
      const guestMail = smtp.received.slice(before).filter((m) => m.to[0]?.startsWith('guest-'));
      const perRecipient = new Map<string, number>();
      for (const m of guestMail)
        perRecipient.set(m.to[0] as string, (perRecipient.get(m.to[0] as string) ?? 0) + 1);
      expect(perRecipient.size).toBe(54);
      expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
      const senders = new Set(guestMail.map((m) => /^From: Troupe ([ABC])/m.exec(m.raw)?.[1]));
      expect(senders.size).toBeGreaterThanOrEqual(2);
      const sent = await sql.query("SELECT count(*)::int AS n FROM mail_outbox WHERE status = 'sent'");
      expect(smtp.received.length).toBe(sent.rows[0].n);

      // Files on the shared S3-compatible store: uploaded through A, streamed by Range from B and C.
      const video = (await call(a, 'POST', `${wsPath}/items`, admin, { kind: 'video', title: 'Cut' })).json;
      const mp4 = readFileSync(new URL('./fixtures/tiny.mp4', import.meta.url));
      const put = await fetch(`${a.url}/api/items/${video.id}/file`, {
        method: 'PUT',
        headers: { cookie: admin.cookie, origin: a.url, 'content-type': 'video/mp4' },
        body: mp4,
      });
      expect(put.status, await put.clone().text()).toBe(200);
      for (const n of [b, c]) {
        const part = await fetch(`${n.url}/api/items/${video.id}/file`, {
          headers: { cookie: admin.cookie, range: 'bytes=100-199' },
        });
        expect(part.status).toBe(206);
        expect(Buffer.from(await part.arrayBuffer()).equals(mp4.subarray(100, 200))).toBe(true);
      }

      // Rate limits are counted once for the cluster (in Redis): five wrong passwords spread over
      // the nodes, and the sixth attempt is refused on any of them.
      const attempt = (n: TroupeNode, password: string) =>
        call(n, 'POST', '/api/auth/sign-in/email', {}, { email: admin.email, password });
      const statuses: number[] = [];
      for (const n of [a, b, c, a, b]) statuses.push((await attempt(n, 'wrong password')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      for (const n of [c, a]) {
        const refused = await attempt(n, 'correct horse battery');
        expect(refused.status).toBe(429);
        expect(refused.json.code).toBe('rate_limited');
      }
    }, 180_000);
  },
);
