/**
 * GET /metrics (docs/OPERATIONS.md, "Metrics"): absent without METRICS_TOKEN, bearer-protected
 * with it, and what it reports: requests by route pattern and status (never ids or tokens),
 * latency histograms, the PostgreSQL pool, the outbox, the members-page cache, SSE streams.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  dialects,
  invitationToken,
  invite,
  signUp,
  startTestApp,
  type TestApp,
} from './harness.ts';
import { startSmtpListener } from './smtp-listener.ts';
import { openSse } from './sse-client.ts';

const TOKEN = 'metrics-token-0123456789abcdef';

async function eventually(check: () => Promise<void>, within = 10_000): Promise<void> {
  const until = Date.now() + within;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The value of one sample line, e.g. `name{a="b"} 3`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe.each(dialects)('metrics on %s', (dialect) => {
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpListener>> | null = null;
  afterEach(async () => {
    await app?.close();
    await smtp?.close();
    smtp = null;
  });
  const scrape = async () => {
    const res = await app.request({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    return res.body;
  };

  it('does not exist without METRICS_TOKEN: the 404 of any unknown path', async () => {
    app = await startTestApp(dialect);
    const res = await app.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found', detail: 'No route for GET /metrics' });
    expect(app.troupe.server.routeTable.some((r) => r.url === '/metrics')).toBe(false);
  });

  it('with METRICS_TOKEN: the right bearer token only', async () => {
    app = await startTestApp(dialect, { env: { METRICS_TOKEN: TOKEN } });
    const { cookie } = await signUp(app);
    const as = (authorization?: string, extra: { cookie?: string } = {}) =>
      app.request({
        method: 'GET',
        url: '/metrics',
        ...extra,
        headers: authorization ? { authorization } : {},
      });
    for (const res of [
      await as(),
      await as(`Bearer ${TOKEN}x`),
      await as(`Bearer ${TOKEN.slice(0, -1)}`),
      await as(`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`),
      await as(TOKEN),
      await as(undefined, { cookie }),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(res.body).not.toContain('troupe_');
    }
    const ok = await as(`Bearer ${TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.body).toContain('# TYPE troupe_http_request_duration_seconds histogram');
  });

  it('counts requests by route pattern and status, with latency buckets; no ids or tokens in labels', async () => {
    app = await startTestApp(dialect, { env: { METRICS_TOKEN: TOKEN } });
    const admin = await signUp(app);
    const ws = await createWorkspace(app, admin.cookie);
    const item = await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/items`,
      cookie: admin.cookie,
      body: { kind: 'draft', title: 'Draft' },
    });
    const itemId = item.json().id as string;
    for (let i = 0; i < 3; i++) {
      expect(
        (await app.request({ method: 'GET', url: `/api/items/${itemId}`, cookie: admin.cookie })).statusCode,
      ).toBe(200);
    }
    expect((await invite(app, admin.cookie, ws.id, ['invitee@example.com'])).statusCode).toBe(201);
    const token = await invitationToken(app, 'invitee@example.com');
    expect((await app.request({ method: 'GET', url: `/api/invitations/${token}` })).statusCode).toBe(200);
    expect(
      (await app.request({ method: 'GET', url: `/api/items/${'z'.repeat(26)}`, cookie: admin.cookie }))
        .statusCode,
    ).toBe(404);
    expect((await app.request({ method: 'GET', url: `/api/nothing/here/${token}x` })).statusCode).toBe(404);

    const text = await scrape();
    const count = (route: string, status: string, method = 'GET') =>
      sample(text, 'troupe_http_request_duration_seconds_count', { method, route, status_code: status });
    expect(count('/api/items/:id', '200')).toBe(3);
    expect(count('/api/items/:id', '404')).toBe(1);
    expect(count('/api/workspaces/:ws/items', '201', 'POST')).toBe(1);
    expect(count('/api/invitations/:token', '200')).toBe(1);
    expect(count('unmatched', '404')).toBe(1);
    // Latency: cumulative buckets up to +Inf, which holds every request.
    const inf = sample(text, 'troupe_http_request_duration_seconds_bucket', {
      route: '/api/items/:id',
      status_code: '200',
      le: '+Inf',
    });
    expect(inf).toBe(3);
    expect(
      sample(text, 'troupe_http_request_duration_seconds_bucket', {
        route: '/api/items/:id',
        status_code: '200',
        le: '0.005',
      }),
    ).toBeLessThanOrEqual(3);
    expect(
      sample(text, 'troupe_http_request_duration_seconds_sum', {
        route: '/api/items/:id',
        status_code: '200',
      }),
    ).toBeGreaterThan(0);
    // Nothing that identifies a thing or a person.
    for (const secret of [itemId, token, ws.id, admin.userId, 'invitee', 'nothing/here']) {
      expect(text).not.toContain(secret);
    }
    // Node.js and process metrics come along.
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('reports the outbox backlog, the age of its oldest mail, and deliveries by outcome', async () => {
    smtp = await startSmtpListener();
    smtp.failNext(3);
    app = await startTestApp(dialect, {
      env: { METRICS_TOKEN: TOKEN, SMTP_URL: smtp.url },
      runOutboxWorker: true,
    });
    const admin = await signUp(app); // a verification mail
    const ws = await createWorkspace(app, admin.cookie);
    expect((await invite(app, admin.cookie, ws.id, ['a@example.com', 'b@example.com'])).statusCode).toBe(201);
    // The listener refuses each of the three once (451): they wait 2 s for their retry.
    await eventually(async () => {
      expect(sample(await scrape(), 'troupe_mail_deliveries_total', { outcome: 'retry' })).toBe(3);
    });
    let text = await scrape();
    expect(sample(text, 'troupe_outbox_backlog')).toBe(3);
    expect(sample(text, 'troupe_outbox_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'troupe_mail_deliveries_total', { outcome: 'sent' })).toBe(0);
    app.clock.advance(1_500);
    expect(sample(await scrape(), 'troupe_outbox_oldest_age_seconds')).toBe(1.5);
    app.clock.advance(1_000); // past the retry time
    // A delivery is counted when the SMTP server takes it, and its row marked sent just after:
    // both, before the backlog is read (PostgreSQL once read the last row still waiting).
    await eventually(async () => {
      text = await scrape();
      expect(sample(text, 'troupe_mail_deliveries_total', { outcome: 'sent' })).toBe(3);
      expect(sample(text, 'troupe_outbox_backlog')).toBe(0);
    });
    expect(smtp.received).toHaveLength(3);
    expect(sample(text, 'troupe_outbox_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'troupe_mail_deliveries_total', { outcome: 'failed' })).toBe(0);
  });

  it('counts members-page cache hits and misses, and its size', async () => {
    app = await startTestApp(dialect, { env: { METRICS_TOKEN: TOKEN } });
    const admin = await signUp(app);
    const ws = await createWorkspace(app, admin.cookie);
    const members = () =>
      app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/members`, cookie: admin.cookie });
    let text = await scrape();
    expect(sample(text, 'troupe_members_page_cache_lookups_total', { result: 'hit' })).toBe(0);
    expect(sample(text, 'troupe_members_page_cache_lookups_total', { result: 'miss' })).toBe(0);
    expect(sample(text, 'troupe_members_page_cache_bytes')).toBe(0);
    await members();
    await members();
    await members();
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}`,
      cookie: admin.cookie,
      body: { requireApproval: true },
    });
    await invite(app, admin.cookie, ws.id, ['c@example.com']); // a change the page shows
    await members();
    text = await scrape();
    expect(sample(text, 'troupe_members_page_cache_lookups_total', { result: 'miss' })).toBe(2);
    expect(sample(text, 'troupe_members_page_cache_lookups_total', { result: 'hit' })).toBe(2);
    expect(sample(text, 'troupe_members_page_cache_bytes')).toBeGreaterThan(100);
  });

  it('counts item listing cache hits and misses, and its size', async () => {
    app = await startTestApp(dialect, { env: { METRICS_TOKEN: TOKEN } });
    const admin = await signUp(app);
    const ws = await createWorkspace(app, admin.cookie);
    const items = () =>
      app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/items`, cookie: admin.cookie });
    let text = await scrape();
    expect(sample(text, 'troupe_items_page_cache_lookups_total', { result: 'hit' })).toBe(0);
    expect(sample(text, 'troupe_items_page_cache_lookups_total', { result: 'miss' })).toBe(0);
    expect(sample(text, 'troupe_items_page_cache_bytes')).toBe(0);
    await items();
    await items();
    await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/items`,
      cookie: admin.cookie,
      body: { kind: 'draft', title: 'A change the listing shows' },
    });
    await items();
    text = await scrape();
    expect(sample(text, 'troupe_items_page_cache_lookups_total', { result: 'miss' })).toBe(2);
    expect(sample(text, 'troupe_items_page_cache_lookups_total', { result: 'hit' })).toBe(1);
    expect(sample(text, 'troupe_items_page_cache_bytes')).toBeGreaterThan(100);
  });

  it(`reports the database pool ${dialect === 'postgres' ? '(in use, idle, max, waiting)' : '(absent: SQLite has one connection)'} and SSE streams`, async () => {
    app = await startTestApp(dialect, { env: { METRICS_TOKEN: TOKEN } });
    const text = await scrape();
    if (dialect === 'postgres') {
      expect(sample(text, 'troupe_db_pool_connections', { state: 'max' })).toBe(10);
      expect(sample(text, 'troupe_db_pool_waiting')).toBe(0);
      // Every connection taken and two queries more waiting: the scrape reads the pool as it is
      // (and its own outbox query waits too, until the connections are given back).
      const { db } = app.troupe.data;
      let release = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const held = Array.from({ length: 10 }, () => db.connection().execute(() => gate));
      while ((app.troupe.data.poolStats()?.idle ?? 1) > 0 || app.troupe.data.poolStats()?.total !== 10) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const queued = [sql`select 1`.execute(db), sql`select 2`.execute(db)];
      const scraping = scrape();
      setTimeout(release, 300);
      const busy = await scraping;
      await Promise.all([...held, ...queued]);
      expect(sample(busy, 'troupe_db_pool_connections', { state: 'in_use' })).toBe(10);
      expect(sample(busy, 'troupe_db_pool_connections', { state: 'idle' })).toBe(0);
      // The two queued here, and perhaps a background job's (the trash purge, the view counter).
      expect(sample(busy, 'troupe_db_pool_waiting')).toBeGreaterThanOrEqual(2);
    } else {
      expect(text).not.toMatch(/^troupe_db_pool/m);
    }
    // Live-notification streams, open and closed, on a listening server.
    expect(sample(text, 'troupe_sse_connections')).toBe(0);
    const { cookie } = await signUp(app);
    await app.troupe.server.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.troupe.server.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/api/notifications/stream`;
    const streams = [await openSse(url, { cookie }), await openSse(url, { cookie })];
    for (const s of streams) expect(s.status).toBe(200);
    expect(sample(await scrape(), 'troupe_sse_connections')).toBe(2);
    streams[0]?.close();
    await eventually(async () => {
      expect(sample(await scrape(), 'troupe_sse_connections')).toBe(1);
    });
    streams[1]?.close();
    await eventually(async () => {
      expect(sample(await scrape(), 'troupe_sse_connections')).toBe(0);
    });
  });
});
