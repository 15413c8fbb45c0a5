import { describe, expect, it } from 'vitest';
import { newId } from '../src/data/ids.ts';
import { JOIN_REQUEST_TTL_MS, sortKey } from '../src/domain/members.ts';
import { createTroupe } from '../src/troupe.ts';
import {
  createWorkspace,
  dialects,
  invitationToken,
  invite,
  joinAs,
  setSeats,
  signUp,
  startTestApp,
  useAdminWorkspace,
  verifyEmail,
} from './harness.ts';

interface Row {
  userId?: string;
  invitationId?: string;
  email: string;
  name?: string | null;
  role: string;
  status: string;
  expiresAt?: string;
}
interface Page {
  members: Row[];
  seats: number;
  seatsUsed: number;
  superAdmins: number;
}

/**
 * The members page is served from a cache keyed by the workspace's members version, which database
 * triggers bump with every change the page shows (src/app/members/members-page-cache.ts, migration
 * 0005). These tests prove the cache is really used, and that every kind of change (and time, for
 * invitations) reaches the very next read.
 */
describe.each(dialects)('members page cache on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect, { seats: 20 });

  const req = (method: string, url: string, cookie: string, body?: unknown) =>
    fx.app.request({ method, url, cookie, body });
  const page = async (cookie = fx.admin.cookie, query = ''): Promise<Page> => {
    const res = await req('GET', `/api/workspaces/${fx.ws.id}/members${query}`, cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return res.json();
  };
  const version = async () =>
    Number(
      (
        await fx.app.troupe.data.db
          .selectFrom('workspaces')
          .select('members_version')
          .where('id', '=', fx.ws.id)
          .executeTakeFirstOrThrow()
      ).members_version,
    );
  const byEmail = (p: Page, email: string) => p.members.find((m) => m.email === email);

  it('serves the stored page while the members version is unchanged (the cache is really used)', async () => {
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Bob');
    const first = await page();
    const v = await version();
    expect(await page()).toEqual(first);
    expect(await version()).toBe(v); // reads do not bump it
    // A change made behind the triggers' back (version put back by hand) is not seen: the page came
    // from the cache. Every real change bumps the version (next tests), so this cannot happen.
    await fx.app.troupe.data.db
      .updateTable('memberships')
      .set({ name: 'Sneaky', sort_key: sortKey('Sneaky', bob.email) })
      .where('user_id', '=', bob.userId)
      .execute();
    await fx.app.troupe.data.db
      .updateTable('workspaces')
      .set({ members_version: v })
      .where('id', '=', fx.ws.id)
      .execute();
    expect(byEmail(await page(), bob.email)?.name).toBe('Bob');
    // A search is a different page: computed afresh, so it sees the row as it is.
    expect((await page(fx.admin.cookie, '?q=sneaky')).members.map((m) => m.name)).toEqual(['Sneaky']);
  });

  it('shows every kind of change on the very next read', async () => {
    const seen: number[] = [];
    const step = async () => {
      const p = await page();
      seen.push(await version());
      return p;
    };
    await step();
    expect((await invite(fx.app, fx.admin.cookie, fx.ws.id, ['pat@example.com'])).statusCode).toBe(201);
    let p = await step();
    const pat = byEmail(p, 'pat@example.com');
    expect(pat?.status).toBe('invite_sent');

    fx.app.clock.advance(60_000);
    expect(
      (
        await req(
          'POST',
          `/api/workspaces/${fx.ws.id}/invitations/${pat?.invitationId}/resend`,
          fx.admin.cookie,
        )
      ).statusCode,
    ).toBe(200);
    p = await step();
    expect(byEmail(p, 'pat@example.com')?.expiresAt).not.toBe(pat?.expiresAt);

    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/invitations/${pat?.invitationId}`, fx.admin.cookie))
        .statusCode,
    ).toBe(204);
    p = await step();
    expect(byEmail(p, 'pat@example.com')).toBeUndefined();

    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Bob');
    p = await step();
    expect(byEmail(p, bob.email)).toMatchObject({ status: 'active', role: 'creator' });
    expect(p.seatsUsed).toBe(2);

    expect(
      (
        await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie, {
          role: 'viewer',
        })
      ).statusCode,
    ).toBe(200);
    expect(byEmail(await step(), bob.email)?.role).toBe('viewer');

    expect((await req('POST', '/api/auth/update-user', bob.cookie, { name: 'Aaron' })).statusCode).toBe(200);
    expect(byEmail(await step(), bob.email)?.name).toBe('Aaron');

    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 25);
    expect((await step()).seats).toBe(25);

    const carol = await signUp(fx.app, { name: 'Carol' });
    // The row the invite link's join writes with approval on (test/join-requests.test.ts drives the route).
    await fx.app.troupe.data.db
      .insertInto('join_requests')
      .values({
        id: newId(fx.app.clock.now()),
        workspace_id: fx.ws.id,
        user_id: carol.userId,
        email: carol.email,
        name: 'Carol',
        sort_key: sortKey('Carol', carol.email),
        role: 'viewer',
        status: 'pending',
        decided_by: null,
        decided_at: null,
        created_at: fx.app.clock.now(),
        expires_at: fx.app.clock.now() + JOIN_REQUEST_TTL_MS,
      })
      .execute();
    expect(byEmail(await step(), carol.email)?.status).toBe('requested');

    // The seats and Super Admin count (kept per members version: MembersPageCache.summary) follow too.
    expect(
      (
        await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie, {
          role: 'super_admin',
        })
      ).statusCode,
    ).toBe(200);
    expect((await step()).superAdmins).toBe(2);

    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie)).statusCode,
    ).toBe(204);
    p = await step();
    expect(byEmail(p, bob.email)).toBeUndefined();
    expect(p.seatsUsed).toBe(1);
    expect(p.superAdmins).toBe(1);

    // Each change moved the version on.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
  });

  it('turns an invitation to "invite_expired" when its time comes, with no change in the database', async () => {
    await invite(fx.app, fx.admin.cookie, fx.ws.id, ['late@example.com']);
    expect(byEmail(await page(), 'late@example.com')?.status).toBe('invite_sent');
    fx.app.clock.advance(7 * 24 * 60 * 60 * 1000 + 1);
    expect(byEmail(await page(), 'late@example.com')?.status).toBe('invite_expired');
  });

  it('drops the next page once the join request that was all of it lapses (its time counts too)', async () => {
    const ws = fx.ws.id;
    expect(
      (await req('PATCH', `/api/workspaces/${ws}`, fx.admin.cookie, { requireApproval: true })).statusCode,
    ).toBe(200);
    const link = (await req('GET', `/api/workspaces/${ws}/invite-link`, fx.admin.cookie)).json();
    const asker = await signUp(fx.app, { name: 'Zed Requester' });
    await verifyEmail(fx.app, asker.userId);
    expect((await req('POST', `/api/join/${link.token}`, asker.cookie)).json().status).toBe('requested');
    // One row a page: Ada's, and a cursor to the page holding only the request.
    const first = (await page(fx.admin.cookie, '?limit=1')) as Page & { nextCursor: string | null };
    expect(first.members.map((m) => m.name)).toEqual(['Ada Admin']);
    expect(first.nextCursor).not.toBeNull();
    fx.app.clock.advance(JOIN_REQUEST_TTL_MS + 1);
    expect((await page()).members.map((m) => m.name)).toEqual(['Ada Admin']);
    const again = (await page(fx.admin.cookie, '?limit=1')) as Page & { nextCursor: string | null };
    expect(again.nextCursor).toBeNull();
  });

  it('keeps the Super Admin page and the members-only page apart', async () => {
    const viewer = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Vic');
    await invite(fx.app, fx.admin.cookie, fx.ws.id, ['pending@example.com']);
    expect(byEmail(await page(fx.admin.cookie), 'pending@example.com')).toBeDefined();
    expect((await page(viewer.cookie)).members.map((m) => m.status)).toEqual(['active', 'active']);
    // Same for the page an API key reads.
    const key = (
      await req('POST', `/api/workspaces/${fx.ws.id}/api-keys`, fx.admin.cookie, { name: 'k' })
    ).json().key;
    const viaKey = await fx.app.request({
      method: 'GET',
      url: `/api/workspaces/${fx.ws.id}/members`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(viaKey.json()).toEqual(await page(fx.admin.cookie));
  });

  it('stays exact across two servers on one database', async () => {
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Bob');
    const other = await createTroupe(fx.app.config, { clock: fx.app.clock, runOutboxWorker: false });
    try {
      const get = async (server: typeof other.server) =>
        (
          await server.inject({
            method: 'GET',
            url: `/api/workspaces/${fx.ws.id}/members`,
            headers: { cookie: fx.admin.cookie },
          })
        ).json() as Page;
      expect(byEmail(await get(fx.app.troupe.server), bob.email)?.role).toBe('creator');
      expect(byEmail(await get(other.server), bob.email)?.role).toBe('creator');
      // The role changes through the other server; this one's cached page is not served again.
      const res = await other.server.inject({
        method: 'PATCH',
        url: `/api/workspaces/${fx.ws.id}/members/${bob.userId}`,
        headers: {
          cookie: fx.admin.cookie,
          origin: 'http://localhost:3000',
          'content-type': 'application/json',
        },
        payload: JSON.stringify({ role: 'developer' }),
      });
      expect(res.statusCode).toBe(200);
      expect(byEmail(await get(fx.app.troupe.server), bob.email)?.role).toBe('developer');
    } finally {
      await other.close();
    }
  });

  it('bumps the version in the database for each table the page shows, and only for those changes', async () => {
    const db = fx.app.troupe.data.db;
    const bump = async (change: () => Promise<unknown>) => {
      const before = await version();
      await change();
      return (await version()) - before;
    };
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Bob');
    expect(
      await bump(() =>
        db.updateTable('memberships').set({ role: 'viewer' }).where('user_id', '=', bob.userId).execute(),
      ),
    ).toBe(1);
    expect(
      await bump(() =>
        db.updateTable('workspaces').set({ name: 'Renamed' }).where('id', '=', fx.ws.id).execute(),
      ),
    ).toBe(0);
    expect(
      await bump(() =>
        db.updateTable('workspaces').set({ seat_limit: 30 }).where('id', '=', fx.ws.id).execute(),
      ),
    ).toBe(1);
    // Several rows in one transaction: once on PostgreSQL (migration 0049), once a row on SQLite.
    const rows2 = dialect === 'postgres' ? 1 : 2;
    expect(
      await bump(() => invite(fx.app, fx.admin.cookie, fx.ws.id, ['a@example.com', 'b@example.com'])),
    ).toBe(rows2);
    expect(
      await bump(() =>
        db
          .deleteFrom('invitations')
          .where('workspace_id', '=', fx.ws.id)
          .where('status', '=', 'pending')
          .execute(),
      ),
    ).toBe(rows2);
    // Accepting an invitation: the seat (its own bump, in the same statement) and the invitation
    // and the membership (once, on PostgreSQL).
    const carol = await signUp(fx.app, { name: 'Carol' });
    await verifyEmail(fx.app, carol.userId);
    await invite(fx.app, fx.admin.cookie, fx.ws.id, [carol.email]);
    const token = await invitationToken(fx.app, carol.email);
    expect(await bump(() => req('POST', `/api/invitations/${token}/accept`, carol.cookie))).toBe(
      dialect === 'postgres' ? 2 : 3,
    );
    expect(byEmail(await page(), carol.email)?.status).toBe('active');
    expect(
      await bump(() =>
        db
          .updateTable('join_requests')
          .set({ status: 'denied' })
          .where('workspace_id', '=', fx.ws.id)
          .execute(),
      ),
    ).toBe(0); // no rows: nothing changed
    // Another workspace's changes leave this one's version alone.
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Elsewhere');
    expect(await bump(() => invite(fx.app, fx.admin.cookie, other.id, ['c@example.com']))).toBe(0);
    expect(await bump(() => db.deleteFrom('memberships').where('user_id', '=', bob.userId).execute())).toBe(
      1,
    );
  });
});

describe('members page with the cache turned off', () => {
  it('serves every page from the database (MEMBERS_PAGE_CACHE_MB=0)', async () => {
    const app = await startTestApp('sqlite', { env: { MEMBERS_PAGE_CACHE_MB: '0' } });
    try {
      const admin = await signUp(app, { name: 'Ada' });
      const ws = await createWorkspace(app, admin.cookie, 'Studio');
      const bob = await joinAs(app, admin.cookie, ws.id, 'creator', 'Bob');
      const get = async () =>
        (
          await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/members`, cookie: admin.cookie })
        ).json();
      expect((await get()).members).toHaveLength(2);
      const v = await app.troupe.data.db
        .selectFrom('workspaces')
        .select('members_version')
        .where('id', '=', ws.id)
        .executeTakeFirstOrThrow();
      await app.troupe.data.db
        .updateTable('memberships')
        .set({ name: 'Sneaky' })
        .where('user_id', '=', bob.userId)
        .execute();
      await app.troupe.data.db
        .updateTable('workspaces')
        .set({ members_version: v.members_version })
        .where('id', '=', ws.id)
        .execute();
      expect((await get()).members.find((m: Row) => m.userId === bob.userId).name).toBe('Sneaky');
    } finally {
      await app.close();
    }
  });
});
