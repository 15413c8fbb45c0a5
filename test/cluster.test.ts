/**
 * Several nodes on one PostgreSQL database (docs/OPERATIONS.md): they start together on an empty
 * database, each runs the migrations under one advisory lock, and all of them serve.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDatabase } from './harness.ts';
import { startNode, type TroupeNode, waitReady } from './nodes.ts';

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
