import { describe, expect, it } from 'vitest';
import { JOIN_REQUEST_MAIL_GAP_MS, JOIN_REQUEST_TTL_MS } from '../src/domain/members.ts';
import {
  createWorkspace,
  dialects,
  invitationToken,
  invite,
  joinAs,
  type SignedUp,
  setSeats,
  signUp,
  useAdminWorkspace,
} from './harness.ts';
import { joinWith, linkOf, verifiedUser } from './join-helpers.ts';

interface Row {
  email: string;
  status: string;
  joinRequestId?: string;
  expiresAt?: string;
  role: string;
}

describe.each(dialects)('join requests on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);
  const db = () => fx.app.troupe.data.db;
  let token = '';
  const setup = async () => {
    await fx.app.request({
      method: 'PATCH',
      url: `/api/workspaces/${fx.ws.id}`,
      cookie: fx.admin.cookie,
      body: { requireApproval: true },
    });
    token = (await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).token;
  };
  const decide = (id: string, what: 'approve' | 'deny', cookie = fx.admin.cookie) =>
    fx.app.request({
      method: 'POST',
      url: `/api/workspaces/${fx.ws.id}/join-requests/${id}/${what}`,
      cookie,
    });
  const ask = async (who?: SignedUp) => {
    const person = who ?? (await verifiedUser(fx.app, 'Rae Requester'));
    const res = await joinWith(fx.app, token, person.cookie);
    return { person, res, id: res.json().joinRequestId as string };
  };
  const members = async (): Promise<Row[]> =>
    (
      await fx.app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/members`,
        cookie: fx.admin.cookie,
      })
    ).json().members;
  const seatsUsed = async () =>
    (
      await db()
        .selectFrom('workspaces')
        .select('seats_used')
        .where('id', '=', fx.ws.id)
        .executeTakeFirstOrThrow()
    ).seats_used;
  const mailsTo = (email: string) =>
    db().selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', email).execute();

  it('with approval on, a link join makes a pending request: Requested in the members view, no seat, listed, audited', async () => {
    await setup();
    const { person, res, id } = await ask();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'requested', workspace: { id: fx.ws.id }, role: 'viewer' });
    expect(await seatsUsed()).toBe(1);
    const row = (await members()).find((m) => m.email === person.email);
    expect(row).toMatchObject({ status: 'requested', joinRequestId: id, role: 'viewer' });
    expect(Date.parse(row?.expiresAt ?? '')).toBe(fx.app.clock.now() + JOIN_REQUEST_TTL_MS);
    const list = (
      await fx.app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/join-requests`,
        cookie: fx.admin.cookie,
      })
    ).json();
    expect(list.joinRequests).toEqual([
      expect.objectContaining({
        id,
        userId: person.userId,
        email: person.email,
        name: 'Rae Requester',
        status: 'pending',
      }),
    ]);
    expect(list.nextCursor).toBeNull();
    const audit = (
      await fx.app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/audit?action=join_request.create`,
        cookie: fx.admin.cookie,
      })
    ).json().events;
    expect(audit.map((e: { target: { id: string } }) => e.target.id)).toEqual([id]);
  });

  it("emails every Super Admin (no one else) about a request, a person's first in a day: not for asking again while pending or after a denial that day", async () => {
    const second = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'super_admin', 'Sam Second');
    const creator = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Cleo Creator');
    await setup();
    const subject = 'Rae Requester asks to join Studio';
    const requestMails = async (email: string) => (await mailsTo(email)).filter((m) => m.subject === subject);
    const { person, id } = await ask();
    for (const admin of [fx.admin, second]) {
      const mails = await requestMails(admin.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.text_body).toContain(
        `Rae Requester (${person.email}) asked to join the workspace "Studio"`,
      );
      expect(mails[0]?.text_body).toContain('as Viewer');
      expect(mails[0]?.text_body).toContain(`/w/${fx.ws.id}/notifications`);
    }
    expect(await requestMails(creator.email)).toEqual([]);
    expect(await requestMails(person.email)).toEqual([]);
    // Asking again while pending returns the request: no mail.
    await ask(person);
    expect(await requestMails(fx.admin.email)).toHaveLength(1);
    // Denied, then asking again the same day: a new request, told in the app only.
    expect((await decide(id, 'deny')).statusCode).toBe(200);
    fx.app.clock.advance(JOIN_REQUEST_MAIL_GAP_MS - 60_000);
    const again = await ask(person);
    expect(again.id).not.toBe(id);
    expect(await requestMails(fx.admin.email)).toHaveLength(1);
    const bell = (
      await fx.app.request({ method: 'GET', url: '/api/notifications', cookie: second.cookie })
    ).json();
    expect(
      bell.notifications.filter((n: { kind: string; subjectId?: string }) => n.kind === 'join_request'),
    ).toHaveLength(2);
    // Denied again, asking more than a day after the last request: mailed again.
    expect((await decide(again.id, 'deny')).statusCode).toBe(200);
    fx.app.clock.advance(JOIN_REQUEST_MAIL_GAP_MS + 1);
    await ask(person);
    expect(await requestMails(fx.admin.email)).toHaveLength(2);
    expect(await requestMails(second.email)).toHaveLength(2);
  });

  it('counts the mail gap from the last request, mailed or not: a request a day after the mailed one but within a day of an unmailed one mails nobody', async () => {
    await setup();
    const subject = 'Rae Requester asks to join Studio';
    const mailed = async () => (await mailsTo(fx.admin.email)).filter((m) => m.subject === subject).length;
    const { person, id } = await ask();
    expect(await mailed()).toBe(1);
    expect((await decide(id, 'deny')).statusCode).toBe(200);
    // Within the day: a request told in the app only.
    fx.app.clock.advance(JOIN_REQUEST_MAIL_GAP_MS - 60 * 60_000);
    const second = await ask(person);
    expect(await mailed()).toBe(1);
    expect((await decide(second.id, 'deny')).statusCode).toBe(200);
    // More than a day after the mailed one, two hours after the last: still nobody mailed.
    fx.app.clock.advance(2 * 60 * 60_000);
    const third = await ask(person);
    expect(await mailed()).toBe(1);
    expect((await decide(third.id, 'deny')).statusCode).toBe(200);
    // A day after the last request: mailed.
    fx.app.clock.advance(JOIN_REQUEST_MAIL_GAP_MS + 1);
    await ask(person);
    expect(await mailed()).toBe(2);
  });

  it('lists requests newest first by when they were made, a lapsed one asked again included, page by page', async () => {
    await setup();
    const DAY = 24 * 60 * 60 * 1000;
    const ann = await verifiedUser(fx.app, 'Ann Early');
    await ask(ann); // day 0
    fx.app.clock.advance(10 * DAY);
    await ask(await verifiedUser(fx.app, 'Bob Middle')); // day 10
    // Day 10 too: Ann asks to join a second workspace.
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Other studio');
    await fx.app.request({
      method: 'PATCH',
      url: `/api/workspaces/${other.id}`,
      cookie: fx.admin.cookie,
      body: { requireApproval: true },
    });
    const otherLink = await linkOf(fx.app, fx.admin.cookie, other.id);
    expect((await joinWith(fx.app, otherLink.token, ann.cookie)).json().status).toBe('requested');
    fx.app.clock.advance(JOIN_REQUEST_TTL_MS - 10 * DAY + DAY); // Ann's has lapsed: she asks again
    expect((await ask(ann)).res.json().status).toBe('requested');
    await ask(await verifiedUser(fx.app, 'Cy Late'));
    const page = async (cursor?: string) =>
      (
        await fx.app.request({
          method: 'GET',
          url: `/api/workspaces/${fx.ws.id}/join-requests?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          cookie: fx.admin.cookie,
        })
      ).json() as { joinRequests: { name: string }[]; nextCursor: string | null };
    const names: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const p = await page(cursor);
      names.push(...p.joinRequests.map((r) => r.name));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    expect(names).toEqual(['Cy Late', 'Ann Early', 'Bob Middle']);
    // Ann's own account: the request asked again (day 15) before the other workspace's (day 10).
    const account = (await fx.app.request({ method: 'GET', url: '/api/account', cookie: ann.cookie })).json();
    expect(account.joinRequests.map((r: { workspace: { id: string } }) => r.workspace.id)).toEqual([
      fx.ws.id,
      other.id,
    ]);
  });

  it('keeps one pending request per person: asking again, even 10 times at once, returns the same one', async () => {
    await setup();
    const first = await ask();
    const again = await Promise.all(
      Array.from({ length: 10 }, () => joinWith(fx.app, token, first.person.cookie)),
    );
    expect(again.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(again.map((r) => r.json().joinRequestId))).toEqual(new Set([first.id]));
    const rows = await db()
      .selectFrom('join_requests')
      .selectAll()
      .where('user_id', '=', first.person.userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect((await linkOf(fx.app, fx.admin.cookie, fx.ws.id)).uses).toBe(1);
  });

  it("the requester's account lists the request while it waits; not once decided, nor after it lapses", async () => {
    await setup();
    const waiting = async (who: SignedUp) =>
      (await fx.app.request({ method: 'GET', url: '/api/account', cookie: who.cookie })).json().joinRequests;
    const { person, id } = await ask();
    expect(await waiting(person)).toEqual([
      { id, workspace: { id: fx.ws.id, name: fx.ws.name }, role: 'viewer', createdAt: expect.any(String) },
    ]);
    // Only their own: the Super Admin has none.
    expect(await waiting(fx.admin)).toEqual([]);
    expect((await decide(id, 'approve')).statusCode).toBe(200);
    expect(await waiting(person)).toEqual([]);
    const later = await ask();
    fx.app.clock.advance(JOIN_REQUEST_TTL_MS + 1);
    expect(await waiting(later.person)).toEqual([]);
  });

  it('approving makes the person active at once with a seat and mails them; a second decision is 409', async () => {
    await setup();
    const { person, id } = await ask();
    const res = await decide(id, 'approve');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: 'approved', userId: person.userId });
    expect((await members()).find((m) => m.email === person.email)).toMatchObject({
      status: 'active',
      role: 'viewer',
    });
    expect(await seatsUsed()).toBe(2);
    expect((await mailsTo(person.email)).map((m) => m.subject)).toContain(
      "You're in: your request to join Studio was approved",
    );
    for (const what of ['approve', 'deny'] as const) {
      const twice = await decide(id, what);
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('request_closed');
      expect(twice.json().detail).toContain('already approved');
    }
    expect(await seatsUsed()).toBe(2);
    // Now a member: the link says so.
    expect((await joinWith(fx.app, token, person.cookie)).json().code).toBe('already_member');
  });

  it("accepting an invitation closes the person's own pending request (approved, once a member), no one else's", async () => {
    await setup();
    const asker = await ask();
    const other = await ask(await verifiedUser(fx.app, 'Otto Other'));
    const plain = await verifiedUser(fx.app, 'Ida Invited');
    for (const person of [asker.person, plain]) {
      expect((await invite(fx.app, fx.admin.cookie, fx.ws.id, [person.email], 'creator')).statusCode).toBe(
        201,
      );
      const accepted = await fx.app.request({
        method: 'POST',
        url: `/api/invitations/${await invitationToken(fx.app, person.email)}/accept`,
        cookie: person.cookie,
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
    }
    const statuses = await db()
      .selectFrom('join_requests')
      .select(['id', 'status'])
      .where('workspace_id', '=', fx.ws.id)
      .orderBy('id')
      .execute();
    expect(new Map(statuses.map((r) => [r.id, r.status]))).toEqual(
      new Map([
        [asker.id, 'approved'],
        [other.id, 'pending'],
      ]),
    );
    const view = await members();
    expect(view.find((m) => m.email === asker.person.email)).toMatchObject({
      status: 'active',
      role: 'creator',
    });
    expect(view.find((m) => m.email === plain.email)).toMatchObject({ status: 'active', role: 'creator' });
    expect(view.find((m) => m.email === other.person.email)).toMatchObject({ status: 'requested' });
    expect(await seatsUsed()).toBe(3);
  });

  it('denying closes the request and mails the person; approving it after is 409; they may ask again', async () => {
    await setup();
    const { person, id } = await ask();
    const res = await decide(id, 'deny');
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('denied');
    expect((await members()).find((m) => m.email === person.email)).toBeUndefined();
    expect((await mailsTo(person.email)).map((m) => m.subject)).toContain(
      'Your request to join Studio was declined',
    );
    const late = await decide(id, 'approve');
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toContain('already denied');
    expect(await seatsUsed()).toBe(1);
    const again = await ask(person);
    expect(again.res.json().status).toBe('requested');
    expect(again.id).not.toBe(id);
  });

  it('approving with no free seat is 409 no_seats and leaves the request pending', async () => {
    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 1);
    await setup();
    const { person, id } = await ask();
    const res = await decide(id, 'approve');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('no_seats');
    expect(res.json().detail).toContain('add seats');
    expect((await members()).find((m) => m.email === person.email)?.status).toBe('requested');
    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 2);
    expect((await decide(id, 'approve')).statusCode).toBe(200);
  });

  it('50 concurrent approvals into 10 free seats admit exactly 10', async () => {
    await setup();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await ask(await verifiedUser(fx.app, `Crowd ${i}`))).id);
    await setSeats(fx.app, fx.admin.cookie, fx.ws.id, 11);
    const results = await Promise.all(ids.map((id) => decide(id, 'approve')));
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    expect(results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'no_seats')).toBe(true);
    const ws = await db()
      .selectFrom('workspaces')
      .selectAll()
      .where('id', '=', fx.ws.id)
      .executeTakeFirstOrThrow();
    expect(ws.seats_used).toBe(11);
    expect(ws.seat_limit).toBe(11);
    const active = await db()
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', fx.ws.id)
      .execute();
    expect(active).toHaveLength(11);
    const approved = await db()
      .selectFrom('join_requests')
      .select('user_id')
      .where('status', '=', 'approved')
      .execute();
    expect(approved).toHaveLength(10);
  });

  it('a request lapses after 14 days: gone from the view and the list, 409 to decide, renewed when asked again', async () => {
    await setup();
    const { person, id } = await ask();
    // Read (and cached) while pending: the cached page must not outlive the request.
    expect((await members()).find((m) => m.email === person.email)?.status).toBe('requested');
    fx.app.clock.advance(JOIN_REQUEST_TTL_MS + 1);
    expect((await members()).find((m) => m.email === person.email)).toBeUndefined();
    const list = (
      await fx.app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/join-requests`,
        cookie: fx.admin.cookie,
      })
    ).json();
    expect(list.joinRequests).toEqual([]);
    const late = await decide(id, 'approve');
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toContain('expired');
    const again = await ask(person);
    expect(again.id).toBe(id);
    expect((await members()).find((m) => m.email === person.email)?.status).toBe('requested');
    expect((await decide(id, 'approve')).statusCode).toBe(200);
  });

  it('only Super Admins see and decide requests: 403 for a Creator or Developer, 404 for strangers and other keys', async () => {
    await setup();
    const { id } = await ask();
    const creator = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator');
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const stranger = await signUp(fx.app);
    const list = `/api/workspaces/${fx.ws.id}/join-requests`;
    for (const cookie of [creator.cookie, dev.cookie]) {
      expect((await fx.app.request({ method: 'GET', url: list, cookie })).statusCode).toBe(403);
      const res = await decide(id, 'approve', cookie);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
      expect((await decide(id, 'deny', cookie)).statusCode).toBe(403);
    }
    expect((await fx.app.request({ method: 'GET', url: list, cookie: stranger.cookie })).statusCode).toBe(
      404,
    );
    expect((await decide(id, 'approve', stranger.cookie)).statusCode).toBe(404);
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Other');
    const key = (
      await fx.app.request({
        method: 'POST',
        url: `/api/workspaces/${other.id}/api-keys`,
        cookie: fx.admin.cookie,
        body: { name: 'k' },
      })
    ).json().key;
    const viaKey = await fx.app.request({
      method: 'POST',
      url: `/api/workspaces/${fx.ws.id}/join-requests/${id}/approve`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(viaKey.statusCode).toBe(404);
    expect(
      (await db().selectFrom('join_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status,
    ).toBe('pending');
    expect((await decide('01NOSUCHREQUEST', 'approve')).statusCode).toBe(404);
    expect((await decide('bad id!', 'approve')).statusCode).toBe(400);
  });
});
