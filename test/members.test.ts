import { describe, expect, it } from 'vitest';
import { lockWithMembershipPair, lockWorkspace } from '../src/data/members.repo.ts';
import {
  addMember,
  createWorkspace,
  dialects,
  invite,
  joinAs,
  setSeats,
  signUp,
  useAdminWorkspace,
} from './harness.ts';

describe.each(dialects)('members, roles and seats on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect, { seats: 20 });

  const req = (method: string, url: string, cookie: string, body?: unknown) =>
    fx.app.request({ method, url, cookie, body });
  const seatsUsed = async () =>
    (
      await fx.app.troupe.data.db
        .selectFrom('workspaces')
        .select('seats_used')
        .where('id', '=', fx.ws.id)
        .executeTakeFirstOrThrow()
    ).seats_used;

  it('refuses every member-management route to Creators and Viewers (403), and to Developers', async () => {
    const target = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Target');
    await invite(fx.app, fx.admin.cookie, fx.ws.id, ['pending@example.com']);
    const view = (await req('GET', `/api/workspaces/${fx.ws.id}/members`, fx.admin.cookie)).json();
    const invitationId = view.members.find(
      (m: { email: string }) => m.email === 'pending@example.com',
    ).invitationId;
    for (const role of ['developer', 'creator', 'viewer'] as const) {
      const caller = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, role, `Caller ${role}`);
      const routes: [string, string, unknown?][] = [
        ['PATCH', `/api/workspaces/${fx.ws.id}/members/${target.userId}`, { role: 'viewer' }],
        ['DELETE', `/api/workspaces/${fx.ws.id}/members/${target.userId}`],
        ['POST', `/api/workspaces/${fx.ws.id}/invitations`, { emails: ['x@example.com'], role: 'viewer' }],
        ['POST', `/api/workspaces/${fx.ws.id}/invitations/${invitationId}/resend`],
        ['DELETE', `/api/workspaces/${fx.ws.id}/invitations/${invitationId}`],
        ['GET', `/api/workspaces/${fx.ws.id}/billing`],
        ['POST', `/api/workspaces/${fx.ws.id}/billing/seats`, { seats: 30 }],
        ['GET', `/api/workspaces/${fx.ws.id}/audit`],
        ['PATCH', `/api/workspaces/${fx.ws.id}`, { name: 'Mine' }],
      ];
      for (const [method, url, body] of routes) {
        const res = await req(method, url, caller.cookie, body);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
        expect(res.json().code).toBe('forbidden');
      }
    }
    // Nothing changed.
    const after = (await req('GET', `/api/workspaces/${fx.ws.id}/members`, fx.admin.cookie)).json();
    expect(after.members.find((m: { userId?: string }) => m.userId === target.userId).role).toBe('creator');
    expect(after.seats).toBe(20);
  });

  it('shows members to every member, but invitations only to Super Admins', async () => {
    const viewer = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Vic');
    await invite(fx.app, fx.admin.cookie, fx.ws.id, ['pending@example.com']);
    const asViewer = (await req('GET', `/api/workspaces/${fx.ws.id}/members`, viewer.cookie)).json();
    expect(asViewer.members.map((m: { status: string }) => m.status)).toEqual(['active', 'active']);
    const asAdmin = (await req('GET', `/api/workspaces/${fx.ws.id}/members`, fx.admin.cookie)).json();
    expect(asAdmin.members.map((m: { status: string }) => m.status).sort()).toEqual([
      'active',
      'active',
      'invite_sent',
    ]);
  });

  it('hides a workspace from outsiders: 404 for its members, ids from other workspaces are 404', async () => {
    const outsider = await signUp(fx.app);
    expect((await req('GET', `/api/workspaces/${fx.ws.id}/members`, outsider.cookie)).statusCode).toBe(404);
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator');
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Other');
    // A real member of `fx.ws`, addressed through `other`.
    expect(
      (
        await req('PATCH', `/api/workspaces/${other.id}/members/${member.userId}`, fx.admin.cookie, {
          role: 'viewer',
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await req('DELETE', `/api/workspaces/${other.id}/members/${member.userId}`, fx.admin.cookie))
        .statusCode,
    ).toBe(404);
  });

  it('changes roles, and the new role applies on the next request', async () => {
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Bob');
    const res = await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie, {
      role: 'super_admin',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: bob.userId, role: 'super_admin', status: 'active' });
    expect((await req('GET', `/api/workspaces/${fx.ws.id}/billing`, bob.cookie)).statusCode).toBe(200);
    expect(
      (
        await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie, {
          role: 'owner',
        })
      ).statusCode,
    ).toBe(400);
  });

  it('never lets the last Super Admin be demoted, removed or leave (409 last_admin)', async () => {
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Bob');
    for (const [method, body] of [
      ['PATCH', { role: 'developer' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await req(
        method,
        `/api/workspaces/${fx.ws.id}/members/${fx.admin.userId}`,
        fx.admin.cookie,
        body,
      );
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('last_admin');
    }
    await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie, {
      role: 'super_admin',
    });
    // Now there are two: the first may step down.
    expect(
      (
        await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${fx.admin.userId}`, fx.admin.cookie, {
          role: 'viewer',
        })
      ).statusCode,
    ).toBe(200);
    const leave = await req('DELETE', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, bob.cookie);
    expect(leave.statusCode).toBe(409);
  });

  it('leaves exactly one Super Admin when the last two demote each other at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const w = await createWorkspace(fx.app, fx.admin.cookie, `Race ${round}`);
      const bob = await signUp(fx.app, { name: 'Bob' });
      await addMember(fx.app, w.id, bob, 'super_admin');
      const [a, b] = await Promise.all([
        req('PATCH', `/api/workspaces/${w.id}/members/${bob.userId}`, fx.admin.cookie, { role: 'viewer' }),
        req('PATCH', `/api/workspaces/${w.id}/members/${fx.admin.userId}`, bob.cookie, { role: 'viewer' }),
      ]);
      // The loser is refused either as no longer a Super Admin (403) or as the last one (409).
      const statuses = [a.statusCode, b.statusCode].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const admins = await fx.app.troupe.data.db
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', w.id)
        .where('role', '=', 'super_admin')
        .execute();
      expect(admins).toHaveLength(1);
    }
  });

  it.skipIf(dialect === 'sqlite')(
    'PostgreSQL: the statement that takes the workspace lock reads a role changed by the transaction it waited for',
    async () => {
      const bob = await signUp(fx.app, { name: 'Bob' });
      await addMember(fx.app, fx.ws.id, bob, 'super_admin');
      const db = fx.app.troupe.data.db;
      let release: () => void = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked: () => void = () => {};
      const hasLock = new Promise<void>((r) => {
        locked = r;
      });
      // Another transaction holds the workspace and demotes Bob, not yet committed.
      const first = db.transaction().execute(async (tx) => {
        await lockWorkspace(tx, 'postgres', fx.ws.id);
        await tx
          .updateTable('memberships')
          .set({ role: 'viewer' })
          .where('workspace_id', '=', fx.ws.id)
          .where('user_id', '=', bob.userId)
          .execute();
        locked();
        await held;
      });
      await hasLock;
      const second = db
        .transaction()
        .execute((tx) => lockWithMembershipPair(tx, 'postgres', fx.ws.id, fx.admin.userId, bob.userId));
      await new Promise((r) => setTimeout(r, 150)); // the second statement is waiting for the lock
      release();
      await first;
      const [admin, bobNow] = await second;
      expect(admin?.role).toBe('super_admin');
      expect(bobNow?.role).toBe('viewer'); // as committed while it waited, not as its snapshot had it
    },
  );

  it('removes a member: frees the seat, and their very next request is refused', async () => {
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer', 'Bob');
    expect(await seatsUsed()).toBe(2);
    expect((await req('GET', `/api/workspaces/${fx.ws.id}`, bob.cookie)).statusCode).toBe(200);
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie)).statusCode,
    ).toBe(204);
    expect(await seatsUsed()).toBe(1);
    expect((await req('GET', `/api/workspaces/${fx.ws.id}`, bob.cookie)).statusCode).toBe(404);
    expect((await req('GET', `/api/workspaces/${fx.ws.id}/members`, bob.cookie)).statusCode).toBe(404);
    expect((await req('GET', '/api/me', bob.cookie)).json().workspaces).toEqual([]);
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/members/${bob.userId}`, fx.admin.cookie)).statusCode,
    ).toBe(404);
  });

  it('keeps the members view in step when someone changes their name', async () => {
    const bob = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Bob');
    const res = await req('POST', '/api/auth/update-user', bob.cookie, { name: 'Aaron' });
    expect(res.statusCode).toBe(200);
    const view = (await req('GET', `/api/workspaces/${fx.ws.id}/members?q=aaron`, fx.admin.cookie)).json();
    expect(view.members.map((m: { name: string }) => m.name)).toEqual(['Aaron']);
    const all = (await req('GET', `/api/workspaces/${fx.ws.id}/members`, fx.admin.cookie)).json();
    expect(all.members[0].name).toBe('Aaron'); // sorts first now
    const tooLong = await req('POST', '/api/auth/update-user', bob.cookie, { name: 'x'.repeat(101) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].path).toBe('name');
  });

  it('lets any member leave', async () => {
    const vic = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Vic');
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/members/${vic.userId}`, vic.cookie)).statusCode,
    ).toBe(204);
    expect(await seatsUsed()).toBe(1);
  });

  it('never takes more seats than the count: lowering below use is refused, purchases are recorded', async () => {
    await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer');
    await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer');
    const low = await req('POST', `/api/workspaces/${fx.ws.id}/billing/seats`, fx.admin.cookie, { seats: 2 });
    expect(low.statusCode).toBe(409);
    expect(low.json().errors[0].path).toBe('seats');
    for (const seats of [0, -1, 1.5, 'ten']) {
      expect(
        (await req('POST', `/api/workspaces/${fx.ws.id}/billing/seats`, fx.admin.cookie, { seats }))
          .statusCode,
      ).toBe(400);
    }
    const ok = await req('POST', `/api/workspaces/${fx.ws.id}/billing/seats`, fx.admin.cookie, { seats: 3 });
    expect(ok.statusCode).toBe(200);
    const billing = ok.json();
    expect(billing).toMatchObject({ seats: 3, seatsUsed: 3 });
    expect(
      billing.purchases.map((p: { seatsBefore: number; seatsAfter: number }) => [
        p.seatsBefore,
        p.seatsAfter,
      ]),
    ).toEqual([
      [20, 3],
      [5, 20],
    ]);
    expect(billing.purchases[1]).toMatchObject({
      actor: { id: fx.admin.userId, name: 'Ada Admin' },
      provider: 'local',
    });
  });

  it('searches by name or email and pages through members with a cursor', async () => {
    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 40);
    const names = ['Zed', 'amy', 'Bob', 'Cat', 'dan', 'Eve', 'Fay', 'Gus'];
    for (const name of names) await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', name);
    await invite(fx.app, fx.admin.cookie, fx.ws.id, ['beth@example.com', 'zoe@example.com']);
    const all: { name?: string | null; email: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/workspaces/${fx.ws.id}/members?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await req('GET', url, fx.admin.cookie)).json();
      expect(page.members.length).toBeLessThanOrEqual(3);
      all.push(...page.members);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4); // 11 rows, 3 per page
    const keys = all.map((m) => (m.name || m.email).toLowerCase());
    expect(keys).toEqual([...keys].sort());
    expect(new Set(all.map((m) => m.email)).size).toBe(11);

    const byName = (await req('GET', `/api/workspaces/${fx.ws.id}/members?q=BO`, fx.admin.cookie)).json();
    expect(byName.members.map((m: { name: string }) => m.name)).toEqual(['Bob']);
    const byEmail = (await req('GET', `/api/workspaces/${fx.ws.id}/members?q=beth@`, fx.admin.cookie)).json();
    expect(byEmail.members.map((m: { email: string; status: string }) => [m.email, m.status])).toEqual([
      ['beth@example.com', 'invite_sent'],
    ]);
    const literal = (await req('GET', `/api/workspaces/${fx.ws.id}/members?q=%25`, fx.admin.cookie)).json();
    expect(literal.members).toEqual([]);
    expect(
      (await req('GET', `/api/workspaces/${fx.ws.id}/members?cursor=garbage`, fx.admin.cookie)).statusCode,
    ).toBe(400);
    // U+0000 inside a cursor's values: 400, not PostgreSQL's refusal of the parameter (a 500).
    const nul = Buffer.from(JSON.stringify(['a\u0000', 'b'])).toString('base64url');
    expect(
      (await req('GET', `/api/workspaces/${fx.ws.id}/members?cursor=${nul}`, fx.admin.cookie)).statusCode,
    ).toBe(400);
  });
});
