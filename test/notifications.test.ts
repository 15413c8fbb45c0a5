import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeNotes } from '../src/app/notifications/notify.ts';
import { inTransaction } from '../src/data/db.ts';
import { JOIN_REQUEST_TTL_MS } from '../src/domain/members.ts';
import { createTroupe } from '../src/troupe.ts';
import {
  addMember,
  createWorkspace,
  dialects,
  joinAs,
  type SignedUp,
  sessionCookie,
  setSeats,
  signUp,
  startTestApp,
  type TestApp,
  verifyEmail,
} from './harness.ts';
import { joinWith, linkOf, verifiedUser } from './join-helpers.ts';
import { openSse } from './sse-client.ts';

interface Note {
  id: string;
  seq: number;
  kind: string;
  read: boolean;
  workspaceId: string;
  data: Record<string, unknown>;
}

describe.each(dialects)('notifications on %s', (dialect) => {
  let app: TestApp;
  let admin: SignedUp;
  let ws: { id: string; name: string };
  let base = '';

  beforeEach(async () => {
    app = await startTestApp(dialect, { stream: { heartbeatMs: 100, maxPerUser: 3 } });
    admin = await signUp(app, { name: 'Ada Admin' });
    await verifyEmail(app, admin.userId);
    ws = await createWorkspace(app, admin.cookie, 'Studio');
    await app.troupe.server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.troupe.server.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await app.close();
  });

  const notes = async (cookie: string, query = ''): Promise<{ notifications: Note[]; unread: number }> => {
    const res = await app.request({ method: 'GET', url: `/api/notifications${query}`, cookie });
    expect(res.statusCode).toBe(200);
    return res.json();
  };
  const requireApproval = () =>
    app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}`,
      cookie: admin.cookie,
      body: { requireApproval: true },
    });
  const stream = (cookie: string, lastEventId?: string) =>
    openSse(`${base}/api/notifications/stream`, {
      cookie,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    });
  /** An item the admin creates in the workspace. */
  const newItem = async (title: string, kind = 'draft') =>
    (
      await app.request({
        method: 'POST',
        url: `/api/workspaces/${ws.id}/items`,
        cookie: admin.cookie,
        body: { kind, title },
      })
    ).json() as { id: string };
  /** The admin shares `itemId` with `userId`: the answer. */
  const putGrant = (itemId: string, userId: string, permission: string) =>
    app.request({
      method: 'PUT',
      url: `/api/items/${itemId}/grants/${userId}`,
      cookie: admin.cookie,
      body: { permission },
    });
  const ask = async (name = 'Rae') => {
    const person = await verifiedUser(app, name);
    const res = await joinWith(app, (await linkOf(app, admin.cookie, ws.id)).token, person.cookie);
    return { person, id: res.json().joinRequestId as string };
  };

  it('a join request notifies every Super Admin; its decision notifies the requester; the panel shows the request as it is now', async () => {
    const second = await joinAs(app, admin.cookie, ws.id, 'super_admin', 'Second Admin');
    await requireApproval();
    const { person, id } = await ask('Rae Requester');
    // The first admin also heard that the second accepted their invitation.
    for (const [cookie, count] of [
      [admin.cookie, 2],
      [second.cookie, 1],
    ] as const) {
      const { notifications, unread } = await notes(cookie);
      expect(unread).toBe(count);
      expect(notifications[0]).toMatchObject({
        kind: 'join_request',
        read: false,
        workspaceId: ws.id,
        data: {
          workspace: { id: ws.id, name: 'Studio' },
          requester: { id: person.userId, name: 'Rae Requester', email: person.email },
          role: 'viewer',
          joinRequestId: id,
          requestStatus: 'pending',
          // When it lapses, as the request says (the panel disables Approve/Deny then).
          requestExpiresAt: new Date(app.clock.now() + JOIN_REQUEST_TTL_MS).toISOString(),
        },
      });
    }
    await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/join-requests/${id}/approve`,
      cookie: second.cookie,
    });
    expect((await notes(admin.cookie)).notifications[0]?.data.requestStatus).toBe('approved');
    expect((await notes(admin.cookie)).notifications[0]?.data).not.toHaveProperty('requestExpiresAt');
    const mine = await notes(person.cookie);
    expect(mine.notifications.map((n) => [n.kind, n.data])).toEqual([
      ['join_request_approved', { workspace: { id: ws.id, name: 'Studio' }, role: 'viewer' }],
    ]);

    const other = await ask('Den Denied');
    await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/join-requests/${other.id}/deny`,
      cookie: admin.cookie,
    });
    expect((await notes(other.person.cookie)).notifications.map((n) => n.kind)).toEqual([
      'join_request_denied',
    ]);
    // Asking again while pending notifies nobody twice.
    await joinWith(app, (await linkOf(app, admin.cookie, ws.id)).token, other.person.cookie);
    await joinWith(app, (await linkOf(app, admin.cookie, ws.id)).token, other.person.cookie);
    const kinds = (await notes(admin.cookie)).notifications.map((n) => n.kind);
    expect(kinds.filter((k) => k === 'join_request')).toHaveLength(3);
  });

  it('an accepted invitation notifies the inviter; sharing an item notifies the grantee (not a lowering, not yourself)', async () => {
    const bea = await joinAs(app, admin.cookie, ws.id, 'creator', 'Bea');
    const accepted = (await notes(admin.cookie)).notifications;
    expect(accepted[0]).toMatchObject({
      kind: 'invitation_accepted',
      data: { member: { id: bea.userId, name: 'Bea', email: bea.email }, role: 'creator' },
    });
    expect((await notes(bea.cookie)).notifications).toEqual([]);

    const item = await newItem('Launch cut', 'video');
    const grant = (userId: string, permission: string) => putGrant(item.id, userId, permission);
    expect((await grant(bea.userId, 'view')).statusCode).toBe(200);
    expect((await grant(bea.userId, 'edit')).statusCode).toBe(200);
    expect((await grant(bea.userId, 'view')).statusCode).toBe(200);
    await grant(admin.userId, 'edit');
    const shared = (await notes(bea.cookie)).notifications;
    expect(shared.map((n) => [n.kind, n.data.permission])).toEqual([
      ['item_shared', 'edit'],
      ['item_shared', 'view'],
    ]);
    expect(shared[1]?.data).toEqual({
      workspace: { id: ws.id, name: 'Studio' },
      item: { id: item.id, title: 'Launch cut', kind: 'video' },
      permission: 'view',
      sharedBy: { id: admin.userId, name: 'Ada Admin' },
    });
    expect((await notes(admin.cookie)).notifications.filter((n) => n.kind === 'item_shared')).toEqual([]);
  });

  it('sharing notifies only when the grantee’s access rises: not on an “Only me” item, not edit to a Viewer who has view', async () => {
    const bea = await joinAs(app, admin.cookie, ws.id, 'creator', 'Bea');
    const vic = await joinAs(app, admin.cookie, ws.id, 'viewer', 'Vic');
    const create = (title: string) => newItem(title);
    const grant = async (itemId: string, userId: string, permission: string) =>
      expect((await putGrant(itemId, userId, permission)).statusCode).toBe(200);
    const shared = async (cookie: string) =>
      (await notes(cookie)).notifications
        .filter((n) => n.kind === 'item_shared')
        .map((n) => [(n.data.item as { title: string }).title, n.data.permission]);

    // "Only me": the grant is kept but dormant, the item answers 404 to Bea: she is told nothing.
    const secret = await create('Secret');
    const onlyMe = await app.request({
      method: 'PATCH',
      url: `/api/items/${secret.id}/access`,
      cookie: admin.cookie,
      body: { generalAccess: 'only_me' },
    });
    expect(onlyMe.statusCode).toBe(200);
    await grant(secret.id, bea.userId, 'edit');
    expect(
      (await app.request({ method: 'GET', url: `/api/items/${secret.id}`, cookie: bea.cookie })).statusCode,
    ).toBe(404);
    expect(await shared(bea.cookie)).toEqual([]);

    // A Viewer: view, then edit (which acts as view for them): told once.
    const plan = await create('Plan');
    await grant(plan.id, vic.userId, 'view');
    await grant(plan.id, vic.userId, 'edit');
    expect(await shared(vic.cookie)).toEqual([['Plan', 'view']]);
    // Edit at once to a Viewer: told of view, what they can do.
    const memo = await create('Memo');
    await grant(memo.id, vic.userId, 'edit');
    expect(await shared(vic.cookie)).toEqual([
      ['Memo', 'view'],
      ['Plan', 'view'],
    ]);
  });

  it('a deleted account takes the admins’ notifications of its join requests with it; a request that is gone is never pending', async () => {
    await requireApproval();
    const gone = await ask('Gone Soon');
    await ask('Still Here');
    expect((await notes(admin.cookie)).unread).toBe(2);
    const deleted = await app.request({
      method: 'DELETE',
      url: '/api/account',
      cookie: gone.person.cookie,
      body: { password: 'correct horse battery' },
    });
    expect(deleted.statusCode).toBe(204);
    const after = await notes(admin.cookie);
    expect(after.unread).toBe(1);
    expect(after.notifications.map((n) => (n.data.requester as { name: string }).name)).toEqual([
      'Still Here',
    ]);
    expect(JSON.stringify(after.notifications)).not.toContain(gone.person.email);

    // One whose request row is gone anyway (written before this rule) reads `expired`, not `pending`.
    await inTransaction(app.troupe.data.db, (tx) =>
      writeNotes(
        tx,
        [
          {
            userId: admin.userId,
            workspaceId: ws.id,
            kind: 'join_request',
            subjectId: 'no-such-request',
            data: {
              workspace: { id: ws.id, name: 'Studio' },
              requester: { id: 'x', name: 'Long Gone', email: 'gone@example.com' },
              role: 'viewer',
              joinRequestId: 'no-such-request',
              requestStatus: 'pending',
            },
          },
        ],
        app.clock.now(),
      ),
    );
    const orphan = (await notes(admin.cookie)).notifications[0];
    expect(orphan?.data).toMatchObject({ joinRequestId: 'no-such-request', requestStatus: 'expired' });
  });

  it('a removed or leaving member keeps none of the workspace’s notifications, and the unread count drops with them', async () => {
    const second = await joinAs(app, admin.cookie, ws.id, 'super_admin', 'Second Admin');
    const bea = await joinAs(app, admin.cookie, ws.id, 'creator', 'Bea');
    // Elsewhere, the second admin's own workspace: its notifications stay.
    const own = await createWorkspace(app, second.cookie, 'Own Place');
    await joinAs(app, second.cookie, own.id, 'viewer', 'Own Viewer');
    await requireApproval();
    const { id } = await ask('Rae');
    const item = await newItem('Doc');
    await putGrant(item.id, bea.userId, 'view');
    const before = await notes(second.cookie);
    expect(before.notifications.map((n) => [n.kind, n.workspaceId])).toEqual([
      ['join_request', ws.id],
      ['invitation_accepted', own.id],
    ]);
    expect(before.unread).toBe(2);
    expect((await notes(bea.cookie)).unread).toBe(1);

    const removed = await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/members/${second.userId}`,
      cookie: admin.cookie,
    });
    expect(removed.statusCode).toBe(204);
    const left = await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/members/${bea.userId}`,
      cookie: bea.cookie,
    });
    expect(left.statusCode).toBe(204);
    // A decision made after they went shows nowhere in their bell.
    await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/join-requests/${id}/approve`,
      cookie: admin.cookie,
    });
    const after = await notes(second.cookie);
    expect(after.notifications.map((n) => [n.kind, n.workspaceId])).toEqual([
      ['invitation_accepted', own.id],
    ]);
    expect(after.unread).toBe(1);
    expect(await notes(bea.cookie)).toEqual({ notifications: [], unread: 0, nextCursor: null });
    // The admin who stayed keeps theirs.
    expect((await notes(admin.cookie)).notifications.some((n) => n.kind === 'join_request')).toBe(true);
  });

  it('the seat limit notifies Super Admins when the last seat is taken and when someone is turned away, not again while unread', async () => {
    await setSeats(app, admin.cookie, ws.id, 2);
    const token = (await linkOf(app, admin.cookie, ws.id)).token;
    expect((await joinWith(app, token, (await verifiedUser(app, 'Last')).cookie)).statusCode).toBe(200);
    let limit = (await notes(admin.cookie)).notifications.filter((n) => n.kind === 'seat_limit_reached');
    expect(limit.map((n) => n.data)).toEqual([
      { workspace: { id: ws.id, name: 'Studio' }, seats: 2, seatsUsed: 2, turnedAway: null },
    ]);
    const late = await verifiedUser(app, 'Late Comer');
    expect((await joinWith(app, token, late.cookie)).json().code).toBe('no_seats');
    limit = (await notes(admin.cookie)).notifications.filter((n) => n.kind === 'seat_limit_reached');
    expect(limit).toHaveLength(1);
    await app.request({
      method: 'POST',
      url: '/api/notifications/read',
      cookie: admin.cookie,
      body: { all: true },
    });
    expect((await joinWith(app, token, late.cookie)).statusCode).toBe(409);
    limit = (await notes(admin.cookie)).notifications.filter((n) => n.kind === 'seat_limit_reached');
    expect(limit[0]?.data.turnedAway).toEqual({ name: 'Late Comer', email: late.email });
    expect(limit[0]?.read).toBe(false);
  });

  it('an accepted invitation that takes the last seat notifies Super Admins with the seats it left', async () => {
    await setSeats(app, admin.cookie, ws.id, 3);
    await joinAs(app, admin.cookie, ws.id, 'viewer', 'Second');
    let limit = (await notes(admin.cookie)).notifications.filter((n) => n.kind === 'seat_limit_reached');
    expect(limit).toEqual([]);
    await joinAs(app, admin.cookie, ws.id, 'viewer', 'Third');
    limit = (await notes(admin.cookie)).notifications.filter((n) => n.kind === 'seat_limit_reached');
    expect(limit.map((n) => n.data)).toEqual([
      { workspace: { id: ws.id, name: 'Studio' }, seats: 3, seatsUsed: 3, turnedAway: null },
    ]);
  });

  it('a Super Admin who takes the last seat by an invitation hears of the limit too', async () => {
    await setSeats(app, admin.cookie, ws.id, 2);
    const newcomer = await joinAs(app, admin.cookie, ws.id, 'super_admin', 'Last In');
    for (const who of [admin.cookie, newcomer.cookie]) {
      const limit = (await notes(who)).notifications.filter((n) => n.kind === 'seat_limit_reached');
      expect(limit.map((n) => n.data)).toEqual([
        { workspace: { id: ws.id, name: 'Studio' }, seats: 2, seatsUsed: 2, turnedAway: null },
      ]);
    }
  });

  it('marks one or all read, only the caller’s own; refuses bad bodies', async () => {
    await requireApproval();
    await ask('A');
    await ask('B');
    await ask('C');
    const list = await notes(admin.cookie);
    expect(list.unread).toBe(3);
    const stranger = await signUp(app);
    const theirs = await app.request({
      method: 'POST',
      url: '/api/notifications/read',
      cookie: stranger.cookie,
      body: { ids: [list.notifications[0]?.id] },
    });
    expect(theirs.json()).toEqual({ marked: 0, unread: 0 });
    const one = await app.request({
      method: 'POST',
      url: '/api/notifications/read',
      cookie: admin.cookie,
      body: { ids: [list.notifications[0]?.id] },
    });
    expect(one.json()).toEqual({ marked: 1, unread: 2 });
    expect((await notes(admin.cookie, '?unread=true')).notifications).toHaveLength(2);
    const all = await app.request({
      method: 'POST',
      url: '/api/notifications/read',
      cookie: admin.cookie,
      body: { all: true },
    });
    expect(all.json()).toEqual({ marked: 2, unread: 0 });
    for (const body of [{}, { ids: [] }, { all: false }, { ids: ['x y'] }, { ids: ['a'], all: true }]) {
      const res = await app.request({
        method: 'POST',
        url: '/api/notifications/read',
        cookie: admin.cookie,
        body,
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await app.request({ method: 'GET', url: '/api/notifications' })).statusCode).toBe(401);
    expect((await app.request({ method: 'GET', url: '/api/notifications?cursor=zz' })).statusCode).toBe(401);
    expect(
      (await app.request({ method: 'GET', url: '/api/notifications?cursor=zz', cookie: admin.cookie }))
        .statusCode,
    ).toBe(400);
  });

  it('an API key reads only the notifications of its own workspace', async () => {
    await requireApproval();
    await ask('Here');
    const other = await createWorkspace(app, admin.cookie, 'Elsewhere');
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${other.id}`,
      cookie: admin.cookie,
      body: { requireApproval: true },
    });
    const elsewhere = await verifiedUser(app, 'There');
    await joinWith(app, (await linkOf(app, admin.cookie, other.id)).token, elsewhere.cookie);
    expect((await notes(admin.cookie)).unread).toBe(2);
    const key = (
      await app.request({
        method: 'POST',
        url: `/api/workspaces/${ws.id}/api-keys`,
        cookie: admin.cookie,
        body: { name: 'bot' },
      })
    ).json().key;
    const auth = { authorization: `Bearer ${key}` };
    const viaKey = (await app.request({ method: 'GET', url: '/api/notifications', headers: auth })).json();
    expect(viaKey.unread).toBe(1);
    expect(viaKey.notifications.map((n: Note) => n.workspaceId)).toEqual([ws.id]);
    const marked = await app.request({
      method: 'POST',
      url: '/api/notifications/read',
      headers: auth,
      body: { all: true },
    });
    expect(marked.json()).toEqual({ marked: 1, unread: 0 });
    expect((await notes(admin.cookie)).unread).toBe(1);
    // Its stream too.
    const s = await openSse(`${base}/api/notifications/stream`, auth);
    await ask('Here Too');
    await joinWith(
      app,
      (await linkOf(app, admin.cookie, other.id)).token,
      (await verifiedUser(app, 'There Too')).cookie,
    );
    await ask('Here Three');
    const events = await s.waitFor(2);
    expect(events.map((e) => JSON.parse(e.data).data.requester.name)).toEqual(['Here Too', 'Here Three']);
    s.close();
  });

  it('streams each notification live with id and event, heartbeats and retry; 401 without a credential', async () => {
    const unauth = await openSse(`${base}/api/notifications/stream`);
    expect(unauth.status).toBe(401);
    expect(unauth.headers['content-type']).toContain('application/problem+json');
    await requireApproval();
    const s = await stream(admin.cookie);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toBe('no-store');
    const { person } = await ask('Live Lee');
    const [e] = await s.waitFor(1);
    expect(e?.event).toBe('notification');
    const note = JSON.parse(e?.data ?? '{}');
    expect(e?.id).toBe(String(note.seq));
    expect(note).toMatchObject({ kind: 'join_request', data: { requester: { id: person.userId } } });
    expect(note).toEqual((await notes(admin.cookie)).notifications[0]);
    await new Promise((r) => setTimeout(r, 250));
    expect(s.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(1);
    expect(s.retry).toBeGreaterThan(0);
    s.close();
  });

  it('a reconnect with Last-Event-ID gets exactly what it missed; a bogus one gets a clean stream from now', async () => {
    await requireApproval();
    const first = await stream(admin.cookie);
    await ask('One');
    const [one] = await first.waitFor(1);
    first.close();
    await first.ended;
    await ask('Two');
    await ask('Three');
    const again = await stream(admin.cookie, one?.id ?? '');
    const missed = await again.waitFor(2);
    expect(missed.map((e) => JSON.parse(e.data).data.requester.name)).toEqual(['Two', 'Three']);
    expect(missed.map((e) => Number(e.id))).toEqual([Number(one?.id) + 1, Number(one?.id) + 2]);
    await ask('Four');
    await again.waitFor(3);
    await new Promise((r) => setTimeout(r, 100));
    expect(again.events.map((e) => JSON.parse(e.data).data.requester.name)).toEqual(['Two', 'Three', 'Four']);
    again.close();

    for (const bogus of ['abc', '99999999', '-1', '1e3', '', '0', '000']) {
      const s = await openSse(`${base}/api/notifications/stream`, {
        cookie: admin.cookie,
        'last-event-id': bogus,
      });
      expect(s.status).toBe(200);
      await ask(`After ${bogus || 'empty'}`);
      const [e] = await s.waitFor(1);
      expect(JSON.parse(e?.data ?? '{}').data.requester.name).toBe(`After ${bogus || 'empty'}`);
      s.close();
    }
  });

  it('fills a hole from the table: a notification whose event never came is sent before the next', async () => {
    await requireApproval();
    const s = await stream(admin.cookie);
    // Written and committed, but never published (as if its event was lost between processes).
    await inTransaction(app.troupe.data.db, (tx) =>
      writeNotes(
        tx,
        [
          {
            userId: admin.userId,
            workspaceId: ws.id,
            kind: 'join_request_denied',
            data: { workspace: { id: ws.id, name: 'Studio' } },
          },
        ],
        app.clock.now(),
      ),
    );
    await ask('After The Hole');
    const events = await s.waitFor(2);
    expect(events.map((e) => JSON.parse(e.data).kind)).toEqual(['join_request_denied', 'join_request']);
    expect(Number(events[1]?.id)).toBe(Number(events[0]?.id) + 1);
    s.close();
  });

  it('limits open streams per user (429) and ends every open stream when the server closes', async () => {
    const open = [await stream(admin.cookie), await stream(admin.cookie), await stream(admin.cookie)];
    const fourth = await stream(admin.cookie);
    expect(fourth.status).toBe(429);
    await fourth.ended;
    expect(JSON.parse(fourth.body).code).toBe('rate_limited');
    open[0]?.close();
    await open[0]?.ended;
    await new Promise((r) => setTimeout(r, 50));
    const replacement = await stream(admin.cookie);
    expect(replacement.status).toBe(200);
    const started = Date.now();
    await app.troupe.server.close();
    await Promise.all([open[1]?.ended, open[2]?.ended, replacement.ended]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('streams opened at once do not pass the per-person limit (the slot is taken before opening reads)', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => stream(admin.cookie)));
    const statuses = all.map((s) => s.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
    for (const s of all) s.close();
    await Promise.all(all.map((s) => s.ended));
    // Every slot came back: as many can open again.
    await new Promise((r) => setTimeout(r, 50));
    const again = await Promise.all(Array.from({ length: 3 }, () => stream(admin.cookie)));
    expect(again.map((s) => s.status)).toEqual([200, 200, 200]);
    for (const s of again) s.close();
  });

  it.runIf(dialect === 'postgres')(
    'after its LISTEN connection is cut, a server reconnects and its streams catch up from the table',
    async () => {
      await requireApproval();
      // A second server on the same database: the join request is made there.
      const other = await createTroupe(app.config, { clock: app.clock, runOutboxWorker: false });
      try {
        const s = await stream(admin.cookie);
        const person = await verifiedUser(app, 'Across The Cut');
        const token = (await linkOf(app, admin.cookie, ws.id)).token;
        // Cut this server's listener (and only it: the other's LISTEN started later).
        const cut = await sql<{ n: number }>`
          SELECT count(pg_terminate_backend(pid))::int AS n FROM (
            SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%'
            ORDER BY backend_start LIMIT 1) AS first_listener`.execute(app.troupe.data.db);
        expect(cut.rows[0]?.n).toBe(1);
        const res = await other.server.inject({
          method: 'POST',
          url: `/api/join/${token}`,
          headers: { cookie: person.cookie, origin: 'http://localhost:3000' },
        });
        expect(res.json().status).toBe('requested');
        const [e] = await s.waitFor(1, 10_000);
        expect(JSON.parse(e?.data ?? '{}').data.requester.name).toBe('Across The Cut');
        s.close();
      } finally {
        await other.close();
      }
    },
  );

  it('ends a stream after its maximum age, at a heartbeat (the browser then reconnects)', async () => {
    const short = await startTestApp(dialect, { stream: { heartbeatMs: 50, maxAgeMs: 200 } });
    try {
      const a = await signUp(short, { name: 'Short Lived' });
      await short.troupe.server.listen({ port: 0, host: '127.0.0.1' });
      const at = `http://127.0.0.1:${(short.troupe.server.server.address() as AddressInfo).port}`;
      const s = await openSse(`${at}/api/notifications/stream`, { cookie: a.cookie });
      const started = Date.now();
      await s.ended;
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(s.comments).toContain('heartbeat');
    } finally {
      await short.close();
    }
  });

  it('ends a stream soon after its session is signed out or its API key revoked; other sessions stay', async () => {
    const quick = await startTestApp(dialect, { stream: { heartbeatMs: 50, recheckMs: 100 } });
    try {
      const a = await signUp(quick, { name: 'Two Devices' });
      await verifyEmail(quick, a.userId);
      const w = await createWorkspace(quick, a.cookie, 'Rechecked');
      const signIn = await quick.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: a.email, password: 'correct horse battery' },
      });
      expect(signIn.statusCode).toBe(200);
      const second = sessionCookie(signIn);
      const created = await quick.request({
        method: 'POST',
        url: `/api/workspaces/${w.id}/api-keys`,
        cookie: a.cookie,
        body: { name: 'bot' },
      });
      const key = created.json();
      await quick.troupe.server.listen({ port: 0, host: '127.0.0.1' });
      const at = `http://127.0.0.1:${(quick.troupe.server.server.address() as AddressInfo).port}`;
      const stream = (headers: Record<string, string>) => openSse(`${at}/api/notifications/stream`, headers);
      const first = await stream({ cookie: a.cookie });
      const other = await stream({ cookie: second });
      const viaKey = await stream({ authorization: `Bearer ${key.key}` });
      let firstEnded = false;
      let keyEnded = false;
      void first.ended.then(() => {
        firstEnded = true;
      });
      void viaKey.ended.then(() => {
        keyEnded = true;
      });
      // Several checks pass while every credential holds: nothing ends.
      await new Promise((r) => setTimeout(r, 400));
      expect([firstEnded, keyEnded]).toEqual([false, false]);

      const out = await quick.request({
        method: 'POST',
        url: '/api/auth/sign-out',
        cookie: a.cookie,
        body: {},
      });
      expect(out.statusCode).toBe(200);
      const t0 = Date.now();
      await first.ended;
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(keyEnded).toBe(false);

      const revoked = await quick.request({
        method: 'DELETE',
        url: `/api/workspaces/${w.id}/api-keys/${key.id}`,
        cookie: second,
      });
      expect(revoked.statusCode).toBeLessThan(300);
      await viaKey.ended;
      // The other device's session still streams, and a reconnect with the old cookie is refused.
      await new Promise((r) => setTimeout(r, 300));
      expect(other.comments.length).toBeGreaterThan(0);
      const before = other.comments.length;
      await new Promise((r) => setTimeout(r, 200));
      expect(other.comments.length).toBeGreaterThan(before);
      expect((await stream({ cookie: a.cookie })).status).toBe(401);
      other.close();
    } finally {
      await quick.close();
    }
  });

  it('members added directly (not through a notifying path) get nothing', async () => {
    const quiet = await signUp(app);
    await addMember(app, ws.id, quiet, 'viewer');
    expect((await notes(quiet.cookie)).notifications).toEqual([]);
  });
});
