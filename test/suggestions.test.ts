import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suggestionsQuery } from '../src/data/suggestions.repo.ts';
import { JOIN_REQUEST_TTL_MS } from '../src/domain/members.ts';
import {
  createWorkspace,
  dialects,
  invite,
  joinAs,
  type SignedUp,
  signUp,
  startTestApp,
  type TestApp,
  verifyEmail,
} from './harness.ts';
import { joinWith, linkOf } from './join-helpers.ts';

describe.each(dialects)('company-domain suggestions on %s', (dialect) => {
  let app: TestApp;
  let admin: SignedUp;
  let ws: { id: string };
  beforeEach(async () => {
    app = await startTestApp(dialect);
    admin = await signUp(app, { email: 'ada@acme.io', name: 'Ada' });
    await verifyEmail(app, admin.userId);
    ws = await createWorkspace(app, admin.cookie, 'Acme');
  });
  afterEach(async () => {
    await app.close();
  });

  const person = async (email: string, name: string, verified = true) => {
    const u = await signUp(app, { email, name });
    if (verified) await verifyEmail(app, u.userId);
    return u;
  };
  const setDomain = (companyDomain: string | null) =>
    app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}`,
      cookie: admin.cookie,
      body: { companyDomain },
    });
  const list = async (cookie = admin.cookie, query = '') => {
    const res = await app.request({
      method: 'GET',
      url: `/api/workspaces/${ws.id}/suggestions${query}`,
      cookie,
    });
    return { status: res.statusCode, body: res.json() };
  };
  const dismiss = (userId: string, cookie = admin.cookie) =>
    app.request({ method: 'POST', url: `/api/workspaces/${ws.id}/suggestions/${userId}/dismiss`, cookie });
  const emails = async () => (await list()).body.suggestions.map((s: { email: string }) => s.email);

  it('suggests verified people at the company domain, leaving out members, invitees, requesters, the unverified and the dismissed', async () => {
    expect((await list()).body).toEqual({ suggestions: [], nextCursor: null, companyDomain: null });
    expect((await setDomain('acme.io')).statusCode).toBe(200);
    const bo = await person('bo@acme.io', 'Bo');
    await person('cy@acme.io', 'Cy', false);
    await person('di@acme.io', 'Di');
    const eve = await person('eve@acme.io', 'Eve');
    await person('fay@acme.io', 'Fay');
    await person('gil@acme.io', 'Gil');
    await person('hal@other.io', 'Hal');
    await person('ida@sub.acme.io', 'Ida');
    expect(await emails()).toEqual(['bo@acme.io', 'di@acme.io', 'eve@acme.io', 'fay@acme.io', 'gil@acme.io']);

    // Invited (one-click invite from the suggestion), a member, asking to join, dismissed:
    expect((await invite(app, admin.cookie, ws.id, ['di@acme.io'], 'creator')).statusCode).toBe(201);
    const member = await joinAs(app, admin.cookie, ws.id, 'viewer', 'Member');
    await app.troupe.data.db
      .updateTable('user')
      .set({ email: 'fay2@acme.io' })
      .where('id', '=', member.userId)
      .execute();
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}`,
      cookie: admin.cookie,
      body: { requireApproval: true },
    });
    const token = (await linkOf(app, admin.cookie, ws.id)).token;
    const gil = (await list()).body.suggestions.find((s: { email: string }) => s.email === 'gil@acme.io');
    const gilCookie = (
      await app.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: 'gil@acme.io', password: 'correct horse battery' },
      })
    ).headers['set-cookie'];
    expect(gil).toBeDefined();
    const cookie = String(Array.isArray(gilCookie) ? gilCookie[0] : gilCookie).split(';')[0] as string;
    expect((await joinWith(app, token, cookie)).json().status).toBe('requested');
    expect((await dismiss(eve.userId)).statusCode).toBe(204);
    expect(await emails()).toEqual(['bo@acme.io', 'fay@acme.io']);
    expect((await list()).body.suggestions[0]).toEqual({
      userId: bo.userId,
      email: 'bo@acme.io',
      name: 'Bo',
    });
  });

  it('suggests again someone whose join request lapsed (no longer asking to join), and lets it be dismissed', async () => {
    await setDomain('acme.io');
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}`,
      cookie: admin.cookie,
      body: { requireApproval: true },
    });
    const gil = await person('gil@acme.io', 'Gil');
    const token = (await linkOf(app, admin.cookie, ws.id)).token;
    expect((await joinWith(app, token, gil.cookie)).json().status).toBe('requested');
    expect(await emails()).toEqual([]);
    expect((await dismiss(gil.userId)).statusCode).toBe(404);

    app.clock.advance(JOIN_REQUEST_TTL_MS - 1);
    expect(await emails()).toEqual([]);
    app.clock.advance(1);
    expect(await emails()).toEqual(['gil@acme.io']);
    expect((await dismiss(gil.userId)).statusCode).toBe(204);
    expect(await emails()).toEqual([]);
  });

  it('pages by email', async () => {
    await setDomain('acme.io');
    for (const n of ['a1', 'a2', 'a3']) await person(`${n}@acme.io`, n);
    const first = await list(admin.cookie, '?limit=2');
    expect(first.body.suggestions.map((s: { email: string }) => s.email)).toEqual([
      'a1@acme.io',
      'a2@acme.io',
    ]);
    const next = await list(admin.cookie, `?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ suggestions: [{ email: 'a3@acme.io' }], nextCursor: null });
    expect((await list(admin.cookie, '?cursor=nope')).status).toBe(400);
  });

  it('dismisses only a current suggestion (404 otherwise, also the second time)', async () => {
    await setDomain('acme.io');
    const bo = await person('bo@acme.io', 'Bo');
    const out = await person('out@other.io', 'Out');
    expect((await dismiss(out.userId)).statusCode).toBe(404);
    expect((await dismiss(admin.userId)).statusCode).toBe(404);
    expect((await dismiss(bo.userId)).statusCode).toBe(204);
    expect((await dismiss(bo.userId)).statusCode).toBe(404);
    expect((await dismiss('not an id')).statusCode).toBe(400);
  });

  it('dismisses once when asked several times at once: one 204, the others 404, one audit entry', async () => {
    await setDomain('acme.io');
    const bo = await person('bo@acme.io', 'Bo');
    const statuses = (await Promise.all([1, 2, 3, 4].map(() => dismiss(bo.userId)))).map((r) => r.statusCode);
    expect(statuses.sort()).toEqual([204, 404, 404, 404]);
    const audit = (
      await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/audit`, cookie: admin.cookie })
    ).json();
    expect(audit.events.filter((e: { action: string }) => e.action === 'suggestion.dismiss')).toHaveLength(1);
  });

  it('is for Super Admins only: 403 for other roles, 404 for strangers and keys of other workspaces', async () => {
    await setDomain('acme.io');
    const bo = await person('bo@acme.io', 'Bo');
    const creator = await joinAs(app, admin.cookie, ws.id, 'creator');
    const dev = await joinAs(app, admin.cookie, ws.id, 'developer');
    for (const c of [creator.cookie, dev.cookie]) {
      expect((await list(c)).status).toBe(403);
      expect((await dismiss(bo.userId, c)).statusCode).toBe(403);
    }
    const stranger = await signUp(app);
    expect((await list(stranger.cookie)).status).toBe(404);
    expect((await dismiss(bo.userId, stranger.cookie)).statusCode).toBe(404);
    const other = await createWorkspace(app, admin.cookie, 'Other');
    const key = (
      await app.request({
        method: 'POST',
        url: `/api/workspaces/${other.id}/api-keys`,
        cookie: admin.cookie,
        body: { name: 'k' },
      })
    ).json().key;
    const res = await app.request({
      method: 'GET',
      url: `/api/workspaces/${ws.id}/suggestions`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(404);
    expect(await emails()).toEqual(['bo@acme.io']);
  });

  it('reads the accounts through the email-domain index', async () => {
    const db = app.troupe.data.db;
    const q = suggestionsQuery(db, app.troupe.data.dialect, ws.id, {
      domain: 'acme.io',
      afterEmail: null,
      limit: 20,
      now: app.clock.now(),
    }).compile();
    const plan =
      dialect === 'sqlite'
        ? JSON.stringify((await db.executeQuery({ ...q, sql: `EXPLAIN QUERY PLAN ${q.sql}` })).rows)
        : await db.transaction().execute(async (tx) => {
            // A handful of rows: make the planner show it can use the index rather than scan.
            await sql`SET LOCAL enable_seqscan = off`.execute(tx);
            return JSON.stringify((await tx.executeQuery({ ...q, sql: `EXPLAIN ${q.sql}` })).rows);
          });
    expect(plan).toContain('user_email_domain_idx');
  });
});
