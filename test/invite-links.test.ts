import { describe, expect, it } from 'vitest';
import {
  createWorkspace,
  dialects,
  joinAs,
  ORIGIN,
  type SignedUp,
  setSeats,
  signUp,
  useAdminWorkspace,
} from './harness.ts';
import { joinWith, linkOf, verifiedUser } from './join-helpers.ts';

describe.each(dialects)('the invite link on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);
  const db = () => fx.app.troupe.data.db;
  const patch = (body: unknown, cookie = fx.admin.cookie) =>
    fx.app.request({ method: 'PATCH', url: `/api/workspaces/${fx.ws.id}/invite-link`, cookie, body });
  const rotate = (cookie = fx.admin.cookie) =>
    fx.app.request({ method: 'POST', url: `/api/workspaces/${fx.ws.id}/invite-link/rotate`, cookie });
  const count = async (table: 'memberships' | 'join_requests') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((e) => e.fn.countAll().as('n'))
          .where('workspace_id', '=', fx.ws.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const seatsUsed = async () =>
    (
      await db()
        .selectFrom('workspaces')
        .select('seats_used')
        .where('id', '=', fx.ws.id)
        .executeTakeFirstOrThrow()
    ).seats_used;

  it('is on by default (Viewer, no limits) and never stored: a read writes nothing, a change keeps the token', async () => {
    const link = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    expect(link).toMatchObject({ enabled: true, role: 'viewer', expiresAt: null, maxUses: null, uses: 0 });
    expect(link.url).toBe(`${ORIGIN}/join/${link.token}`);
    // The workspace (hex), then 256 bits of HMAC under the server's secret.
    expect(link.token.slice(0, -43)).toBe(Buffer.from(fx.ws.id).toString('hex'));
    expect(Buffer.from(link.token.slice(-43), 'base64url')).toHaveLength(32);
    expect((await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).token).toBe(link.token);
    expect(await db().selectFrom('invite_links').selectAll().execute()).toEqual([]);
    await patch({ role: 'creator' });
    const row = await db().selectFrom('invite_links').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(link.token.slice(-43));
    expect((await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).token).toBe(link.token);
    // The workspace's id with any other tail is no link.
    const forged = `${link.token.slice(0, -43)}${'A'.repeat(43)}`;
    expect((await fx.app.request({ method: 'GET', url: `/api/join/${forged}` })).statusCode).toBe(410);
  });

  it('shows what it is for to anyone, signed in or not', async () => {
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    const res = await fx.app.request({ method: 'GET', url: `/api/join/${token}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      workspace: { id: fx.ws.id, name: 'Studio' },
      role: 'viewer',
      requiresApproval: false,
    });
  });

  it('with approval off, makes a verified person an active member with the link’s role and a seat, recorded in the audit log', async () => {
    await patch({ role: 'creator' });
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    const kim = await verifiedUser(fx.app, 'Kim');
    const res = await joinWith(fx.app, token, kim.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'active',
      workspace: { id: fx.ws.id, name: 'Studio' },
      role: 'creator',
    });
    expect(await seatsUsed()).toBe(2);
    const members = (
      await fx.app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/members`,
        cookie: fx.admin.cookie,
      })
    ).json().members;
    expect(members.find((m: { email: string }) => m.email === kim.email)).toMatchObject({
      userId: kim.userId,
      role: 'creator',
      status: 'active',
    });
    expect((await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).uses).toBe(1);
    const audit = (
      await fx.app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/audit?action=invite_link.join`,
        cookie: fx.admin.cookie,
      })
    ).json().events;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: { id: kim.userId },
      target: { id: kim.userId, label: kim.email },
    });
  });

  it('refuses someone already in the workspace with 409, using nothing', async () => {
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    const res = await joinWith(fx.app, token, fx.admin.cookie);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('already_member');
    expect((await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).uses).toBe(0);
  });

  it('needs a signed-in person with a verified email, never an API key', async () => {
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    expect((await joinWith(fx.app, token)).statusCode).toBe(401);
    const unverified = await signUp(fx.app, { name: 'Una' });
    const res = await joinWith(fx.app, token, unverified.cookie);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('email_not_verified');

    // A developer's key made in their own workspace cannot join another one for them.
    const dev = await verifiedUser(fx.app, 'Dev');
    const own = await createWorkspace(fx.app, dev.cookie, 'Own');
    const key = (
      await fx.app.request({
        method: 'POST',
        url: `/api/workspaces/${own.id}/api-keys`,
        cookie: dev.cookie,
        body: { name: 'k' },
      })
    ).json().key;
    const viaKey = await joinWith(fx.app, token, undefined, { authorization: `Bearer ${key}` });
    expect(viaKey.statusCode).toBe(403);
    expect(viaKey.json().code).toBe('forbidden');
    expect(await count('memberships')).toBe(1);
  });

  it('with no free seat, refuses with 409 no_seats and counts no use', async () => {
    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 1);
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    const res = await joinWith(fx.app, token, (await verifiedUser(fx.app)).cookie);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('no_seats');
    expect((await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).uses).toBe(0);
    expect(await count('memberships')).toBe(1);
  });

  it('rotating kills the old link at once (410 to preview and join, nothing created); the new one works', async () => {
    const old = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    const res = await rotate();
    expect(res.statusCode).toBe(200);
    const fresh = res.json();
    expect(fresh.token).not.toBe(old.token);
    expect(fresh.url).toBe(`${ORIGIN}/join/${fresh.token}`);
    const kim = await verifiedUser(fx.app);
    for (const r of [
      await fx.app.request({ method: 'GET', url: `/api/join/${old.token}` }),
      await joinWith(fx.app, old.token, kim.cookie),
    ]) {
      expect(r.statusCode).toBe(410);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code).toBe('invite_expired');
    }
    expect(await count('memberships')).toBe(1);
    expect((await joinWith(fx.app, fresh.token, kim.cookie)).json().status).toBe('active');
  });

  it('turned off: 410 until turned on again', async () => {
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    expect((await patch({ enabled: false })).json().enabled).toBe(false);
    const kim = await verifiedUser(fx.app);
    const off = await joinWith(fx.app, token, kim.cookie);
    expect(off.statusCode).toBe(410);
    expect(off.json().detail).toContain('turned off');
    expect(await count('memberships')).toBe(1);
    await patch({ enabled: true });
    expect((await joinWith(fx.app, token, kim.cookie)).statusCode).toBe(200);
  });

  it('stops at its expiry', async () => {
    const at = new Date(fx.app.clock.now() + 3_600_000).toISOString();
    expect((await patch({ expiresAt: at })).json().expiresAt).toBe(at);
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    fx.app.clock.advance(3_600_001);
    const res = await joinWith(fx.app, token, (await verifiedUser(fx.app)).cookie);
    expect(res.statusCode).toBe(410);
    expect(res.json().detail).toContain('expired');
    expect(await count('memberships')).toBe(1);
  });

  it('stops after its maximum uses; rotating counts from 0 again', async () => {
    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 10);
    expect((await patch({ maxUses: 2 })).json().maxUses).toBe(2);
    const { token } = await linkOf(fx.app, fx.admin.cookie, fx.ws.id);
    const people = [await verifiedUser(fx.app), await verifiedUser(fx.app), await verifiedUser(fx.app)];
    const results = await Promise.all(people.map((p) => joinWith(fx.app, token, p.cookie)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 410]);
    expect(await count('memberships')).toBe(3);
    const lowered = await patch({ maxUses: 1 });
    expect(lowered.statusCode).toBe(400);
    expect(lowered.json().errors[0].path).toBe('maxUses');
    const fresh = (await rotate()).json();
    expect(fresh).toMatchObject({ uses: 0, maxUses: 2 });
    const late = people.find((_, i) => results[i]?.statusCode === 410) as SignedUp;
    expect((await joinWith(fx.app, fresh.token, late.cookie)).statusCode).toBe(200);
  });

  it('refuses bad settings with 400 naming the field, changing nothing', async () => {
    for (const [body, path] of [
      [{ role: 'super_admin' }, 'role'],
      [{ role: 'owner' }, 'role'],
      [{ expiresAt: new Date(fx.app.clock.now() - 1000).toISOString() }, 'expiresAt'],
      [{ expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ maxUses: 0 }, 'maxUses'],
      [{ enabled: 'yes' }, 'enabled'],
      [{ token: 'mine' }, 'body'],
    ] as const) {
      const res = await patch(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation');
      expect(
        res
          .json()
          .errors.map((e: { path: string }) => e.path)
          .join(),
      ).toContain(path);
    }
    expect(await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).toMatchObject({
      role: 'viewer',
      expiresAt: null,
      maxUses: null,
      enabled: true,
    });
    expect(
      (await fx.app.request({ method: 'POST', url: '/api/join/not a token', cookie: fx.admin.cookie }))
        .statusCode,
    ).toBe(400);
    const unknown = await joinWith(fx.app, 'A'.repeat(43), fx.admin.cookie);
    expect(unknown.statusCode).toBe(410);
  });

  it('is for Super Admins only: 403 for other roles, 404 for strangers and keys of other workspaces', async () => {
    const creator = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator');
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const stranger = await verifiedUser(fx.app);
    const url = `/api/workspaces/${fx.ws.id}/invite-link`;
    for (const cookie of [creator.cookie, dev.cookie]) {
      expect((await fx.app.request({ method: 'GET', url, cookie })).statusCode).toBe(403);
      expect((await patch({ enabled: false }, cookie)).statusCode).toBe(403);
      expect((await rotate(cookie)).statusCode).toBe(403);
    }
    expect((await fx.app.request({ method: 'GET', url, cookie: stranger.cookie })).statusCode).toBe(404);
    expect((await rotate(stranger.cookie)).statusCode).toBe(404);
    // The admin's key acts here as the admin; a key of the admin's other workspace finds nothing.
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Other');
    const mint = async (ws: string) =>
      (
        await fx.app.request({
          method: 'POST',
          url: `/api/workspaces/${ws}/api-keys`,
          cookie: fx.admin.cookie,
          body: { name: 'k' },
        })
      ).json().key;
    const here = await mint(fx.ws.id);
    const there = await mint(other.id);
    expect(
      (await fx.app.request({ method: 'GET', url, headers: { authorization: `Bearer ${here}` } })).statusCode,
    ).toBe(200);
    expect(
      (await fx.app.request({ method: 'GET', url, headers: { authorization: `Bearer ${there}` } }))
        .statusCode,
    ).toBe(404);
    // The refused changes and rotations wrote nothing.
    expect(await db().selectFrom('invite_links').selectAll().execute()).toEqual([]);
  });
});
