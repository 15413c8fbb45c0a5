import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  dialects,
  invite,
  joinAs,
  setSeats,
  signUp,
  startTestApp,
  type TestApp,
} from './harness.ts';

describe.each(dialects)('audit log on %s', (dialect) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp(dialect);
  });
  afterEach(async () => {
    await app.close();
  });

  it('records every member, invitation, seat and key change with actor, target, before and after', async () => {
    const admin = await signUp(app, { name: 'Ada', email: 'ada@example.com' });
    const ws = await createWorkspace(app, admin.cookie);
    await setSeats(app, admin.cookie, ws.id, 10);
    const bob = await joinAs(app, admin.cookie, ws.id, 'developer', 'Bob');
    await invite(app, admin.cookie, ws.id, ['x@example.com']);
    const view = (
      await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/members`, cookie: admin.cookie })
    ).json();
    const invId = view.members.find((m: { email: string }) => m.email === 'x@example.com').invitationId;
    await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/invitations/${invId}/resend`,
      cookie: admin.cookie,
    });
    await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/invitations/${invId}`,
      cookie: admin.cookie,
    });
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}/members/${bob.userId}`,
      cookie: admin.cookie,
      body: { role: 'creator' },
    });
    const key = (
      await app.request({
        method: 'POST',
        url: `/api/workspaces/${ws.id}/api-keys`,
        cookie: admin.cookie,
        body: { name: 'CI' },
      })
    ).json();
    await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/api-keys/${key.id}`,
      cookie: admin.cookie,
    });
    await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/members/${bob.userId}`,
      cookie: admin.cookie,
    });
    const vic = await joinAs(app, admin.cookie, ws.id, 'viewer', 'Vic');
    await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/members/${vic.userId}`,
      cookie: vic.cookie,
    });

    const res = await app.request({
      method: 'GET',
      url: `/api/workspaces/${ws.id}/audit?limit=100`,
      cookie: admin.cookie,
    });
    expect(res.statusCode).toBe(200);
    const actions = res
      .json()
      .events.map((e: { action: string }) => e.action)
      .reverse();
    expect(actions).toEqual([
      'workspace.create',
      'seats.change',
      'invitation.create',
      'invitation.accept',
      'invitation.create',
      'invitation.resend',
      'invitation.revoke',
      'member.role_change',
      'api_key.create',
      'api_key.revoke',
      'member.remove',
      'invitation.create',
      'invitation.accept',
      'member.leave',
    ]);
    const roleChange = res.json().events.find((e: { action: string }) => e.action === 'member.role_change');
    expect(roleChange).toMatchObject({
      actor: { id: admin.userId, label: 'Ada <ada@example.com>' },
      target: { type: 'user', id: bob.userId },
      before: { role: 'developer' },
      after: { role: 'creator' },
    });

    const filtered = (
      await app.request({
        method: 'GET',
        url: `/api/workspaces/${ws.id}/audit?action=member.leave`,
        cookie: admin.cookie,
      })
    ).json();
    expect(filtered.events).toHaveLength(1);
    expect(filtered.events[0].actor.id).toBe(vic.userId);
    const byActor = (
      await app.request({
        method: 'GET',
        url: `/api/workspaces/${ws.id}/audit?actorId=${vic.userId}`,
        cookie: admin.cookie,
      })
    ).json();
    expect(byActor.events.map((e: { action: string }) => e.action).sort()).toEqual([
      'invitation.accept',
      'member.leave',
    ]);

    const page1 = (
      await app.request({
        method: 'GET',
        url: `/api/workspaces/${ws.id}/audit?limit=5`,
        cookie: admin.cookie,
      })
    ).json();
    const page2 = (
      await app.request({
        method: 'GET',
        url: `/api/workspaces/${ws.id}/audit?limit=5&cursor=${page1.nextCursor}`,
        cookie: admin.cookie,
      })
    ).json();
    expect(page1.events).toHaveLength(5);
    expect(page2.events[0].id < page1.events[4].id).toBe(true);
    expect(
      (
        await app.request({
          method: 'GET',
          url: `/api/workspaces/${ws.id}/audit?action=nope`,
          cookie: admin.cookie,
        })
      ).statusCode,
    ).toBe(400);
  });

  it('records each API key revoked by its owner’s demotion, removal or leaving, saying why', async () => {
    const admin = await signUp(app, { name: 'Ada', email: 'ada@example.com' });
    const ws = await createWorkspace(app, admin.cookie);
    await setSeats(app, admin.cookie, ws.id, 10);
    const keyOf = async (cookie: string, name: string) => {
      const res = await app.request({
        method: 'POST',
        url: `/api/workspaces/${ws.id}/api-keys`,
        cookie,
        body: { name },
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { id: string; prefix: string };
    };
    const revokes = async () =>
      (
        await app.request({
          method: 'GET',
          url: `/api/workspaces/${ws.id}/audit?action=api_key.revoke`,
          cookie: admin.cookie,
        })
      ).json().events as { actor: { id: string }; target: { id: string; label: string }; after: unknown }[];

    const dev = await joinAs(app, admin.cookie, ws.id, 'developer', 'Dev');
    const devKey = await keyOf(dev.cookie, 'CI');
    const demoted = await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}/members/${dev.userId}`,
      cookie: admin.cookie,
      body: { role: 'creator' },
    });
    expect(demoted.statusCode).toBe(200);
    let entries = await revokes();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { id: admin.userId },
      target: { id: devKey.id, label: `CI (${devKey.prefix}…)` },
      after: { reason: 'role_change', role: 'creator', ownerEmail: dev.email },
    });
    // Between Creator and Viewer there is nothing left to revoke: no entry.
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}/members/${dev.userId}`,
      cookie: admin.cookie,
      body: { role: 'viewer' },
    });
    expect(await revokes()).toHaveLength(1);

    const removed = await joinAs(app, admin.cookie, ws.id, 'developer', 'Removed');
    await keyOf(removed.cookie, 'one');
    await keyOf(removed.cookie, 'two');
    await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/members/${removed.userId}`,
      cookie: admin.cookie,
    });
    const leaver = await joinAs(app, admin.cookie, ws.id, 'developer', 'Leaver');
    const leaverKey = await keyOf(leaver.cookie, 'bot');
    await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}/members/${leaver.userId}`,
      cookie: leaver.cookie,
    });
    entries = await revokes();
    expect(entries).toHaveLength(4);
    expect(entries[0]).toMatchObject({
      actor: { id: leaver.userId },
      target: { id: leaverKey.id },
      after: { reason: 'member_leave' },
    });
    expect(entries.slice(1, 3).map((e) => [e.actor.id, e.after])).toEqual([
      [admin.userId, { reason: 'member_remove', ownerEmail: removed.email }],
      [admin.userId, { reason: 'member_remove', ownerEmail: removed.email }],
    ]);
  });

  it('writes no audit entry when the change is refused', async () => {
    const admin = await signUp(app);
    const ws = await createWorkspace(app, admin.cookie);
    await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}/members/${admin.userId}`,
      cookie: admin.cookie,
      body: { role: 'viewer' },
    });
    await app.request({
      method: 'POST',
      url: `/api/workspaces/${ws.id}/invitations`,
      cookie: admin.cookie,
      body: { emails: ['bad'], role: 'viewer' },
    });
    const events = (
      await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}/audit`, cookie: admin.cookie })
    ).json().events;
    // Only the workspace's creation, recorded before any of the refused changes.
    expect(events.map((e: { action: string }) => e.action)).toEqual(['workspace.create']);
  });
});
