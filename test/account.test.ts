/**
 * The account page (SPEC §1; issue 11): sessions listed and ended, password change, name change,
 * account deletion (refused as the only Super Admin of a workspace), API keys refused on all of it,
 * and an invitation accepted proving the invited address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangePasswordBody } from '../src/contract/account.ts';
import {
  createWorkspace,
  dialects,
  invitationToken,
  invite,
  joinAs,
  sessionCookie,
  signUp,
  startTestApp,
  type TestApp,
  uniqueEmail,
  verifyEmail,
} from './harness.ts';
import { expectProblem } from './problems.ts';

const PASSWORD = 'correct horse battery';

describe.each(dialects)('account page on %s', (dialect) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp(dialect, { env: { SIGN_IN_RATE_LIMIT: '5' } });
  });
  afterEach(async () => {
    await app.close();
  });

  const call = (method: string, url: string, cookie: string | null, body?: unknown, ua?: string) =>
    app.request({ method, url, cookie, body, headers: ua ? { 'user-agent': ua } : undefined });
  const bearer = (key: string, method: string, url: string, body?: unknown) =>
    app.troupe.server.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const signIn = async (email: string, password = PASSWORD, ua?: string) =>
    call('POST', '/api/auth/sign-in/email', null, { email, password }, ua);
  const secondSession = async (email: string, ua: string) => {
    const res = await signIn(email, PASSWORD, ua);
    expect(res.statusCode).toBe(200);
    return sessionCookie(res);
  };

  describe('sessions', () => {
    it('lists the live sessions with device, IP and times, this one marked current', async () => {
      const ann = await signUp(app, { name: 'Ann Lee' });
      const phone = await secondSession(
        ann.email,
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      );
      const res = await call('GET', '/api/account/sessions', ann.cookie);
      expect(res.statusCode).toBe(200);
      const { sessions, nextCursor } = res.json();
      expect(sessions).toHaveLength(2);
      expect(nextCursor).toBeNull(); // A list as every list is (SPEC §10), answered whole.
      expect(sessions[0]).toMatchObject({ current: true });
      expect(sessions[1]).toMatchObject({ current: false, device: 'Safari on iOS' });
      expect(sessions[1].userAgent).toContain('iPhone');
      expect(sessions[1].ipAddress).toEqual(expect.any(String));
      for (const s of sessions) {
        expect(Date.parse(s.createdAt)).not.toBeNaN();
        expect(Date.parse(s.lastActiveAt)).not.toBeNaN();
        expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
        // Never a token (or its hash).
        expect(Object.keys(s).sort()).toEqual(
          [
            'createdAt',
            'current',
            'device',
            'expiresAt',
            'id',
            'ipAddress',
            'lastActiveAt',
            'userAgent',
          ].sort(),
        );
      }
      // From the phone, the phone is current.
      const fromPhone = (await call('GET', '/api/account/sessions', phone)).json().sessions;
      expect(fromPhone.find((s: { current: boolean }) => s.current).id).toBe(sessions[1].id);
    });

    it('ends one session at once: its next request is 401; the others stay', async () => {
      const ann = await signUp(app);
      const other = await secondSession(ann.email, 'Other browser');
      expect((await call('GET', '/api/me', other)).statusCode).toBe(200);
      const { sessions } = (await call('GET', '/api/account/sessions', ann.cookie)).json();
      const target = sessions.find((s: { current: boolean }) => !s.current);
      const res = await call('DELETE', `/api/account/sessions/${target.id}`, ann.cookie);
      expect(res.statusCode).toBe(204);
      const after = await call('GET', '/api/me', other);
      expect(after.statusCode).toBe(401);
      expectProblem(after, 'unauthenticated');
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);
      // Gone: a second revoke is 404.
      expect((await call('DELETE', `/api/account/sessions/${target.id}`, ann.cookie)).statusCode).toBe(404);
    });

    it("answers 404 for another person's session id, and leaves it alone", async () => {
      const ann = await signUp(app);
      const bob = await signUp(app);
      const bobs = (await call('GET', '/api/account/sessions', bob.cookie)).json().sessions;
      const res = await call('DELETE', `/api/account/sessions/${bobs[0].id}`, ann.cookie);
      expect(res.statusCode).toBe(404);
      expectProblem(res, 'not_found');
      const missing = await call('DELETE', '/api/account/sessions/nosuchsession', ann.cookie);
      expect(missing.json()).toMatchObject({ code: 'not_found', detail: res.json().detail });
      expect((await call('GET', '/api/me', bob.cookie)).statusCode).toBe(200);
    });

    it('signs out of every other session, keeping this one', async () => {
      const ann = await signUp(app);
      const a = await secondSession(ann.email, 'A');
      const b = await secondSession(ann.email, 'B');
      const bob = await signUp(app);
      const res = await call('POST', '/api/account/sessions/revoke-others', ann.cookie, {});
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ revoked: 2 });
      expect((await call('GET', '/api/me', a)).statusCode).toBe(401);
      expect((await call('GET', '/api/me', b)).statusCode).toBe(401);
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);
      expect((await call('GET', '/api/me', bob.cookie)).statusCode).toBe(200);
      expect((await call('GET', '/api/account/sessions', ann.cookie)).json().sessions).toHaveLength(1);
    });

    it('refuses sessions and password changes to nobody signed in (401)', async () => {
      expect((await call('GET', '/api/account/sessions', null)).statusCode).toBe(401);
      expect((await call('GET', '/api/account', null)).statusCode).toBe(401);
    });
  });

  describe('API keys', () => {
    it('may not read the account, list or end sessions, change the password or name, or delete it', async () => {
      const sa = await signUp(app, { name: 'Sam Admin' });
      await verifyEmail(app, sa.userId);
      const ws = await createWorkspace(app, sa.cookie);
      const made = await call('POST', `/api/workspaces/${ws.id}/api-keys`, sa.cookie, { name: 'CI' });
      expect(made.statusCode).toBe(201);
      const key = made.json().key as string;
      const sessionId = (await call('GET', '/api/account/sessions', sa.cookie)).json().sessions[0].id;
      const attempts: [string, string, unknown?][] = [
        ['GET', '/api/account'],
        ['PATCH', '/api/account', { name: 'Key Name' }],
        ['GET', '/api/account/sessions'],
        ['DELETE', `/api/account/sessions/${sessionId}`],
        ['POST', '/api/account/sessions/revoke-others', {}],
        ['POST', '/api/account/password', { currentPassword: PASSWORD, newPassword: 'a new password 1' }],
        ['DELETE', '/api/account', { password: PASSWORD }],
      ];
      for (const [method, url, body] of attempts) {
        const res = await bearer(key, method, url, body);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expectProblem(res, 'forbidden');
        expect(res.json().detail).toMatch(/API key/);
      }
      // Nothing changed: the session lives, the password and name are the old ones.
      expect((await call('GET', '/api/me', sa.cookie)).json()).toMatchObject({ name: 'Sam Admin' });
      expect((await signIn(sa.email)).statusCode).toBe(200);
    });
  });

  describe('password', () => {
    it('refuses a wrong current password with 400 naming currentPassword', async () => {
      const ann = await signUp(app);
      const res = await call('POST', '/api/account/password', ann.cookie, {
        currentPassword: 'not my password',
        newPassword: 'a brand new password',
      });
      expect(res.statusCode).toBe(400);
      expectProblem(res, 'validation');
      expect(res.json().errors).toEqual([{ path: 'currentPassword', message: expect.any(String) }]);
      expect((await signIn(ann.email)).statusCode).toBe(200);
    });

    it('refuses a too-short new password and the same password, naming newPassword', async () => {
      const ann = await signUp(app);
      const short = await call('POST', '/api/account/password', ann.cookie, {
        currentPassword: PASSWORD,
        newPassword: 'short',
      });
      expect(short.statusCode).toBe(400);
      expect(short.json().errors[0].path).toBe('newPassword');
      const same = await call('POST', '/api/account/password', ann.cookie, {
        currentPassword: PASSWORD,
        newPassword: PASSWORD,
      });
      expect(same.statusCode).toBe(400);
      expect(same.json().errors).toEqual([
        { path: 'newPassword', message: 'Choose a password different from your current one' },
      ]);
      // The same rule the account page checks before sending (one schema for both).
      expect(
        ChangePasswordBody.safeParse({ currentPassword: 'a password 1', newPassword: 'a password 1' }).error
          ?.issues[0]?.path,
      ).toEqual(['newPassword']);
    });

    it('changes it: the old one stops working, other sessions end, this one stays', async () => {
      const ann = await signUp(app);
      const other = await secondSession(ann.email, 'Other');
      const res = await call('POST', '/api/account/password', ann.cookie, {
        currentPassword: PASSWORD,
        newPassword: 'a brand new password',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ signedOutSessions: 1 });
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);
      expect((await call('GET', '/api/me', other)).statusCode).toBe(401);
      expect((await signIn(ann.email)).statusCode).toBe(401);
      expect((await signIn(ann.email, 'a brand new password')).statusCode).toBe(200);
      // The new hash is argon2id.
      const row = await app.troupe.data.db
        .selectFrom('account')
        .select('password')
        .where('userId', '=', ann.userId)
        .executeTakeFirstOrThrow();
      expect(row.password).toMatch(/^\$argon2id\$/);
    });

    it('can keep the other sessions when asked', async () => {
      const ann = await signUp(app);
      const other = await secondSession(ann.email, 'Other');
      const res = await call('POST', '/api/account/password', ann.cookie, {
        currentPassword: PASSWORD,
        newPassword: 'a brand new password',
        signOutOtherSessions: false,
      });
      expect(res.json()).toEqual({ signedOutSessions: 0 });
      expect((await call('GET', '/api/me', other)).statusCode).toBe(200);
    });

    it('is rate limited like sign-in (429 after SIGN_IN_RATE_LIMIT attempts a minute)', async () => {
      const ann = await signUp(app);
      const attempt = () =>
        call('POST', '/api/account/password', ann.cookie, {
          currentPassword: 'guess guess guess',
          newPassword: 'a brand new password',
        });
      for (let i = 0; i < 5; i += 1) expect((await attempt()).statusCode).toBe(400);
      const limited = await attempt();
      expect(limited.statusCode).toBe(429);
      expectProblem(limited, 'rate_limited');
    });

    it("is not reachable through Better Auth's own change-password route", async () => {
      const ann = await signUp(app);
      const res = await call('POST', '/api/auth/change-password', ann.cookie, {
        currentPassword: PASSWORD,
        newPassword: 'a brand new password',
      });
      expect(res.statusCode).toBe(404);
      expect((await signIn(ann.email)).statusCode).toBe(200);
    });
  });

  describe('name', () => {
    it('changes the name, the initials and the members view copy', async () => {
      const ann = await signUp(app, { name: 'Ann Lee' });
      const ws = await createWorkspace(app, ann.cookie);
      const before = (await call('GET', '/api/account', ann.cookie)).json();
      expect(before).toMatchObject({ name: 'Ann Lee', initials: 'AL', email: ann.email });
      const res = await call('PATCH', '/api/account', ann.cookie, { name: '  Zoë Quinn-Ray ' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ name: 'Zoë Quinn-Ray', initials: 'ZQ' });
      expect((await call('GET', '/api/me', ann.cookie)).json().name).toBe('Zoë Quinn-Ray');
      const members = (await call('GET', `/api/workspaces/${ws.id}/members`, ann.cookie)).json().members;
      expect(members[0]).toMatchObject({ name: 'Zoë Quinn-Ray' });
      const bad = await call('PATCH', '/api/account', ann.cookie, { name: 'evil\u202Egnp.exe' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('name');
    });
  });

  describe('deleting the account', () => {
    it('is refused while the only Super Admin of a workspace, naming it, and the page says so first', async () => {
      const ann = await signUp(app, { name: 'Ann' });
      const ws = await createWorkspace(app, ann.cookie, 'Night Owls');
      await createWorkspace(app, ann.cookie, 'Early Birds');
      const account = (await call('GET', '/api/account', ann.cookie)).json();
      expect(account.deletion.allowed).toBe(false);
      expect(account.deletion.soleAdminOf.map((w: { name: string }) => w.name)).toEqual([
        'Early Birds',
        'Night Owls',
      ]);
      expect(account.deletion.reason).toContain('Night Owls');
      const res = await call('DELETE', '/api/account', ann.cookie, { password: PASSWORD });
      expect(res.statusCode).toBe(409);
      expectProblem(res, 'last_admin');
      expect(res.json().detail).toContain('“Night Owls”');
      expect(res.json().detail).toContain('“Early Birds”');
      // Nothing happened.
      expect((await call('GET', `/api/workspaces/${ws.id}`, ann.cookie)).statusCode).toBe(200);
    });

    it('refuses a wrong password (400 naming password)', async () => {
      const ann = await signUp(app);
      const res = await call('DELETE', '/api/account', ann.cookie, { password: 'wrong password!' });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('password');
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);
    });

    it('deletes a person with no workspace: signed out everywhere, cannot sign in', async () => {
      const ann = await signUp(app);
      const other = await secondSession(ann.email, 'Other');
      const res = await call('DELETE', '/api/account', ann.cookie, { password: PASSWORD });
      expect(res.statusCode).toBe(204);
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(401);
      expect((await call('GET', '/api/me', other)).statusCode).toBe(401);
      expect((await signIn(ann.email)).statusCode).toBe(401);
      // The address may sign up again.
      expect((await signUp(app, { email: ann.email })).email).toBe(ann.email);
    });

    it('hands their items and created workspace to the longest-serving Super Admin, frees the seat, audits it', async () => {
      const founder = await signUp(app, { name: 'Founder' });
      await verifyEmail(app, founder.userId);
      const ws = await createWorkspace(app, founder.cookie, 'Studio');
      const heir = await joinAs(app, founder.cookie, ws.id, 'creator', 'Heir');
      app.clock.advance(1000); // Heir has served longer than Later.
      const later = await joinAs(app, founder.cookie, ws.id, 'creator', 'Later');
      for (const u of [heir, later]) {
        const res = await call('PATCH', `/api/workspaces/${ws.id}/members/${u.userId}`, founder.cookie, {
          role: 'super_admin',
        });
        expect(res.statusCode).toBe(200);
      }
      const folder = (
        await call('POST', `/api/workspaces/${ws.id}/items`, founder.cookie, {
          kind: 'folder',
          title: 'Plans',
        })
      ).json();
      // A grant to the founder on someone else's item goes with the account.
      const laterItem = (
        await call('POST', `/api/workspaces/${ws.id}/items`, later.cookie, { kind: 'draft', title: 'Later' })
      ).json();
      expect(
        (
          await call('PUT', `/api/items/${laterItem.id}/grants/${founder.userId}`, later.cookie, {
            permission: 'edit',
          })
        ).statusCode,
      ).toBe(200);
      const key = (
        await call('POST', `/api/workspaces/${ws.id}/api-keys`, founder.cookie, { name: 'Founder CI' })
      ).json();
      expect(typeof key.id).toBe('string');
      const seatsBefore = (await call('GET', `/api/workspaces/${ws.id}`, heir.cookie)).json().seatsUsed;
      expect((await call('GET', '/api/account', founder.cookie)).json().deletion).toEqual({
        allowed: true,
        reason: null,
        soleAdminOf: [],
      });

      const res = await call('DELETE', '/api/account', founder.cookie, { password: PASSWORD });
      expect(res.statusCode).toBe(204);

      const db = app.troupe.data.db;
      expect(await db.selectFrom('user').select('id').where('id', '=', founder.userId).execute()).toEqual([]);
      expect(
        await db.selectFrom('session').select('id').where('userId', '=', founder.userId).execute(),
      ).toEqual([]);
      expect(
        await db.selectFrom('memberships').select('user_id').where('user_id', '=', founder.userId).execute(),
      ).toEqual([]);
      expect(
        await db.selectFrom('item_grants').select('user_id').where('user_id', '=', founder.userId).execute(),
      ).toEqual([]);
      const item = (await call('GET', `/api/items/${folder.id}`, heir.cookie)).json();
      expect(item.ownerId).toBe(heir.userId);
      const wsRow = await db
        .selectFrom('workspaces')
        .select('created_by')
        .where('id', '=', ws.id)
        .executeTakeFirstOrThrow();
      expect(wsRow.created_by).toBe(heir.userId);
      expect((await call('GET', `/api/workspaces/${ws.id}`, heir.cookie)).json().seatsUsed).toBe(
        seatsBefore - 1,
      );
      const audit = (await call('GET', `/api/workspaces/${ws.id}/audit`, heir.cookie)).json().events;
      // Both written in the same millisecond: found by action, not by position.
      const of = (action: string) => audit.find((e: { action: string }) => e.action === action);
      expect(of('items.hand_over')).toMatchObject({ target: { id: heir.userId }, after: { items: 1 } });
      expect(of('account.delete')).toMatchObject({
        action: 'account.delete',
        actor: { label: `Founder <${founder.email}>` },
        target: { type: 'user', label: founder.email },
        before: { role: 'super_admin' },
      });
      // Their key stopped working with the account, and the log says so (SPEC §9).
      expect(of('api_key.revoke')).toMatchObject({
        actor: { label: `Founder <${founder.email}>` },
        target: { type: 'api_key', id: key.id },
        after: { reason: 'account_delete', ownerEmail: founder.email },
      });
      expect((await bearer(key.key, 'GET', '/api/me')).statusCode).toBe(401);
    });
  });

  describe('two Super Admins deleting their accounts at once', () => {
    it('lets exactly one go: the workspace always keeps a Super Admin', async () => {
      const a = await signUp(app, { name: 'A' });
      await verifyEmail(app, a.userId);
      const ws = await createWorkspace(app, a.cookie, 'Pair');
      const b = await joinAs(app, a.cookie, ws.id, 'creator', 'B');
      await call('PATCH', `/api/workspaces/${ws.id}/members/${b.userId}`, a.cookie, { role: 'super_admin' });
      const [ra, rb] = await Promise.all([
        call('DELETE', '/api/account', a.cookie, { password: PASSWORD }),
        call('DELETE', '/api/account', b.cookie, { password: PASSWORD }),
      ]);
      expect([ra.statusCode, rb.statusCode].sort()).toEqual([204, 409]);
      const admins = await app.troupe.data.db
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', ws.id)
        .where('role', '=', 'super_admin')
        .execute();
      expect(admins).toHaveLength(1);
    });
  });

  describe("Better Auth's account routes (SPEC §10), served by the account page's use cases", () => {
    /** The caller's sessions as Better Auth's list-sessions gives them out (token: the stored hash). */
    const listed = async (cookie: string) => {
      const res = await call('GET', '/api/auth/list-sessions', cookie);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { id: string; token: string }[];
    };

    it('revoke-other-sessions signs every other session out, keeping this one', async () => {
      const ann = await signUp(app);
      const a = await secondSession(ann.email, 'A');
      const b = await secondSession(ann.email, 'B');
      const bob = await signUp(app);
      const res = await call('POST', '/api/auth/revoke-other-sessions', ann.cookie, {});
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ status: true });
      expect((await call('GET', '/api/me', a)).statusCode).toBe(401);
      expect((await call('GET', '/api/me', b)).statusCode).toBe(401);
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);
      expect((await call('GET', '/api/me', bob.cookie)).statusCode).toBe(200);
      expect(await listed(ann.cookie)).toHaveLength(1);
    });

    it("revoke-session ends the caller's session that list-sessions names, and no one else's", async () => {
      const ann = await signUp(app);
      const other = await secondSession(ann.email, 'Other browser');
      const bob = await signUp(app);
      const current = (await call('GET', '/api/account/sessions', ann.cookie)).json().sessions[0].id;
      const target = (await listed(ann.cookie)).find((s) => s.id !== current);
      expect(target?.token).toMatch(/^[0-9a-f]{64}$/);

      // Another person's session, or none: 404, and Bob stays signed in.
      const bobs = await listed(bob.cookie);
      const refused = await call('POST', '/api/auth/revoke-session', ann.cookie, { token: bobs[0]?.token });
      expect(refused.statusCode).toBe(404);
      expectProblem(refused, 'not_found');
      expect((await call('GET', '/api/me', bob.cookie)).statusCode).toBe(200);

      const res = await call('POST', '/api/auth/revoke-session', ann.cookie, { token: target?.token });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ status: true });
      expect(res.headers['set-cookie']).toBeUndefined();
      expect((await call('GET', '/api/me', other)).statusCode).toBe(401);
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);

      // Its own session: signed out, and the browser told to forget the cookie.
      const own = (await listed(ann.cookie))[0];
      const self = await call('POST', '/api/auth/revoke-session', ann.cookie, { token: own?.token });
      expect(self.statusCode).toBe(200);
      expect(String(self.headers['set-cookie'])).toMatch(/session_token=;.*Max-Age=0/);
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(401);
    });

    it('delete-user deletes the account with the right password, as DELETE /api/account does', async () => {
      const ann = await signUp(app);
      const other = await secondSession(ann.email, 'Other');
      const wrong = await call('POST', '/api/auth/delete-user', ann.cookie, { password: 'wrong password!' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().errors[0].path).toBe('password');
      expect((await call('GET', '/api/me', ann.cookie)).statusCode).toBe(200);

      const res = await call('POST', '/api/auth/delete-user', ann.cookie, { password: PASSWORD });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ success: true, message: 'User deleted' });
      expect(String(res.headers['set-cookie'])).toMatch(/session_token=;.*Max-Age=0/);
      const db = app.troupe.data.db;
      expect(await db.selectFrom('user').select('id').where('id', '=', ann.userId).execute()).toEqual([]);
      expect(await db.selectFrom('session').select('id').where('userId', '=', ann.userId).execute()).toEqual(
        [],
      );
      expect((await call('GET', '/api/me', other)).statusCode).toBe(401);
      expect((await signIn(ann.email)).statusCode).toBe(401);
    });

    it('delete-user and DELETE /api/account share one count of password guesses', async () => {
      const ann = await signUp(app);
      const wrong = { password: 'wrong password!' };
      // SIGN_IN_RATE_LIMIT (5 in these tests) spread over both routes, then both refuse.
      for (let i = 0; i < 3; i += 1)
        expect((await call('DELETE', '/api/account', ann.cookie, wrong)).statusCode).toBe(400);
      for (let i = 0; i < 2; i += 1)
        expect((await call('POST', '/api/auth/delete-user', ann.cookie, wrong)).statusCode).toBe(400);
      expectProblem(await call('POST', '/api/auth/delete-user', ann.cookie, wrong), 'rate_limited');
      expectProblem(await call('DELETE', '/api/account', ann.cookie, wrong), 'rate_limited');
    });

    it('delete-user is refused to the only Super Admin of a workspace (409 last_admin)', async () => {
      const sa = await signUp(app);
      await verifyEmail(app, sa.userId);
      await createWorkspace(app, sa.cookie, 'Only mine');
      const res = await call('POST', '/api/auth/delete-user', sa.cookie, { password: PASSWORD });
      expect(res.statusCode).toBe(409);
      expectProblem(res, 'last_admin');
    });

    it('refuses API keys (403) on all three, and nobody signed in (401)', async () => {
      const sa = await signUp(app, { name: 'Sam Admin' });
      await verifyEmail(app, sa.userId);
      const ws = await createWorkspace(app, sa.cookie);
      const other = await secondSession(sa.email, 'Other');
      const key = (await call('POST', `/api/workspaces/${ws.id}/api-keys`, sa.cookie, { name: 'CI' })).json()
        .key as string;
      const token = (await listed(sa.cookie))[0]?.token;
      const attempts: [string, unknown][] = [
        ['/api/auth/revoke-session', { token }],
        ['/api/auth/revoke-other-sessions', {}],
        ['/api/auth/delete-user', { password: PASSWORD }],
      ];
      for (const [url, body] of attempts) {
        const res = await bearer(key, 'POST', url, body);
        expect(res.statusCode, url).toBe(403);
        expectProblem(res, 'forbidden');
        expect((await call('POST', url, null, body)).statusCode, url).toBe(401);
      }
      expect((await call('GET', '/api/me', sa.cookie)).statusCode).toBe(200);
      expect((await call('GET', '/api/me', other)).statusCode).toBe(200);
    });
  });

  describe('sessions renewed while used (30 days, renewed daily)', () => {
    const DAY = 24 * 60 * 60_000;
    it('keeps a session used every day alive past 30 days, re-sending its cookie; an unused one expires', async () => {
      const ann = await signUp(app);
      const idle = await secondSession(ann.email, 'Idle');
      let cookie = ann.cookie;
      // Better Auth dated the sign-ins by the real clock, a moment after the fake one started.
      app.clock.advance(10_000);
      for (let day = 1; day <= 45; day++) {
        app.clock.advance(DAY);
        const res = await call('GET', '/api/me', cookie);
        expect(res.statusCode, `day ${day}`).toBe(200);
        // Renewed once a day: the browser is given the cookie again, for 30 days from now.
        const set = String(res.headers['set-cookie'] ?? '');
        expect(set, `day ${day}`).toMatch(/session_token=.*Max-Age=2592000/);
        expect(set).toMatch(/HttpOnly/);
        expect(set).toMatch(/SameSite=Lax/);
        expect(set).toMatch(/Path=\//);
        cookie = sessionCookie(res);
        // Once renewed, not again the same day.
        expect((await call('GET', '/api/me', cookie)).headers['set-cookie']).toBeUndefined();
        if (day === 30) {
          // The session not used since sign-in ended with its 30 days.
          expect((await call('GET', '/api/me', idle)).statusCode).toBe(401);
        }
        if (day === 31 || day === 45) {
          const sessions = (await call('GET', '/api/account/sessions', cookie)).json().sessions;
          expect(sessions).toHaveLength(1);
          expect(Date.parse(sessions[0].expiresAt)).toBe(app.clock.now() + 30 * DAY);
        }
      }
      // The renewed cookie is Better Auth's own: its routes read it too.
      expect((await call('GET', '/api/auth/list-sessions', cookie)).statusCode).toBe(200);
      // Unused for 30 days from its last renewal: expired.
      app.clock.advance(30 * DAY);
      expect((await call('GET', '/api/me', cookie)).statusCode).toBe(401);
    });
  });

  describe('sessions renewed while used: the exceptions', () => {
    const DAY = 24 * 60 * 60_000;
    it('never renews a sign-in without "remember me" (a day, as Better Auth gives it)', async () => {
      const ann = await signUp(app);
      const res = await app.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: ann.email, password: PASSWORD, rememberMe: false },
      });
      expect(res.statusCode, res.body).toBe(200);
      // Its session cookie and Better Auth's mark that it is not to be remembered.
      const setCookies = res.headers['set-cookie'] as string[];
      // A cookie that ends with the browser: no lifetime of its own.
      const session = setCookies.find((c) => /session_token=/.test(c)) ?? '';
      expect(session).not.toMatch(/Max-Age|Expires/i);
      const cookies = setCookies.map((c) => c.split(';')[0]).join('; ');
      expect(cookies).toMatch(/dont_remember=/);
      app.clock.advance(10_000);
      for (let hours = 6; hours < 24; hours += 6) {
        app.clock.advance(6 * 60 * 60_000);
        const me = await call('GET', '/api/me', cookies);
        expect(me.statusCode, `${hours} h`).toBe(200);
        expect(me.headers['set-cookie'], `${hours} h`).toBeUndefined();
      }
      app.clock.advance(DAY);
      expect((await call('GET', '/api/me', cookies)).statusCode).toBe(401);
    });

    it('renews through the notification stream too, cookie included (a tab’s only request of the day)', async () => {
      const ann = await signUp(app);
      app.clock.advance(10_000 + DAY);
      const address = await app.troupe.server.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${address}/api/notifications/stream`, { headers: { cookie: ann.cookie } });
      expect(res.status).toBe(200);
      const set = res.headers.getSetCookie().join('\n');
      await res.body?.cancel();
      expect(set).toMatch(/session_token=.*Max-Age=2592000/);
    });
  });

  describe('last active', () => {
    it('is written when a session is used more than 5 minutes after it last was', async () => {
      const ann = await signUp(app);
      const first = (await call('GET', '/api/account/sessions', ann.cookie)).json().sessions[0];
      app.clock.advance(6 * 60_000);
      await call('GET', '/api/me', ann.cookie);
      await expect
        .poll(
          async () =>
            (await call('GET', '/api/account/sessions', ann.cookie)).json().sessions[0].lastActiveAt,
        )
        .not.toBe(first.lastActiveAt);
      const later = (await call('GET', '/api/account/sessions', ann.cookie)).json().sessions[0];
      expect(Date.parse(later.lastActiveAt)).toBeGreaterThanOrEqual(app.clock.now() - 1000);
    });
  });

  describe('accepting an invitation proves the address', () => {
    it('marks an unverified invitee verified when they accept as the invited address', async () => {
      const admin = await signUp(app, { name: 'Admin' });
      await verifyEmail(app, admin.userId);
      const ws = await createWorkspace(app, admin.cookie);
      const email = uniqueEmail('invitee');
      expect((await invite(app, admin.cookie, ws.id, [email])).statusCode).toBe(201);
      const token = await invitationToken(app, email);
      const bea = await signUp(app, { email });
      expect((await call('GET', '/api/me', bea.cookie)).json().emailVerified).toBe(false);
      const res = await call('POST', `/api/invitations/${token}/accept`, bea.cookie);
      expect(res.statusCode).toBe(200);
      const me = (await call('GET', '/api/me', bea.cookie)).json();
      expect(me.emailVerified).toBe(true);
      expect(me.workspaces).toEqual([{ id: ws.id, name: ws.name, role: 'creator' }]);
      const accepted = (
        await call('GET', `/api/workspaces/${ws.id}/audit?action=invitation.accept`, admin.cookie)
      ).json().events[0];
      expect(accepted.after).toEqual({ role: 'creator', emailVerified: true });
    });

    it('verifies nothing for another account: 403 email_mismatch, still unverified', async () => {
      const admin = await signUp(app);
      const ws = await createWorkspace(app, admin.cookie);
      const email = uniqueEmail('invitee');
      await invite(app, admin.cookie, ws.id, [email]);
      const token = await invitationToken(app, email);
      const eve = await signUp(app);
      const res = await call('POST', `/api/invitations/${token}/accept`, eve.cookie);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('email_mismatch');
      expect((await call('GET', '/api/me', eve.cookie)).json().emailVerified).toBe(false);
    });

    it('an unverified person who signs in again (a new session) can accept and is verified', async () => {
      const admin = await signUp(app);
      const ws = await createWorkspace(app, admin.cookie);
      const email = uniqueEmail('invitee');
      const bea = await signUp(app, { email });
      await invite(app, admin.cookie, ws.id, [email], 'viewer');
      const token = await invitationToken(app, email);
      const again = await secondSession(email, 'Laptop');
      expect((await call('POST', `/api/invitations/${token}/accept`, again)).statusCode).toBe(200);
      expect((await call('GET', '/api/me', bea.cookie)).json().emailVerified).toBe(true);
    });
  });

  describe('audit', () => {
    it('records workspace creation', async () => {
      const ann = await signUp(app, { name: 'Ann' });
      const ws = await createWorkspace(app, ann.cookie, 'Fresh Start');
      const events = (await call('GET', `/api/workspaces/${ws.id}/audit`, ann.cookie)).json().events;
      expect(events).toEqual([
        expect.objectContaining({
          action: 'workspace.create',
          actor: { id: ann.userId, label: `Ann <${ann.email}>` },
          target: { type: 'workspace', id: ws.id, label: 'Fresh Start' },
          after: { name: 'Fresh Start', seats: 5 },
        }),
      ]);
    });

    it('records item creation, rename, move and deletion', async () => {
      const ann = await signUp(app, { name: 'Ann' });
      const ws = await createWorkspace(app, ann.cookie);
      const folder = (
        await call('POST', `/api/workspaces/${ws.id}/items`, ann.cookie, { kind: 'folder', title: 'F' })
      ).json();
      const draft = (
        await call('POST', `/api/workspaces/${ws.id}/items`, ann.cookie, { kind: 'draft', title: 'D' })
      ).json();
      await call('PATCH', `/api/items/${draft.id}`, ann.cookie, { title: 'D2', parentId: folder.id });
      await call('DELETE', `/api/items/${draft.id}`, ann.cookie);
      const events = (await call('GET', `/api/workspaces/${ws.id}/audit`, ann.cookie)).json().events;
      expect(events.map((e: { action: string }) => e.action)).toEqual([
        'item.trash',
        'item.move',
        'item.rename',
        'item.create',
        'item.create',
        'workspace.create',
      ]);
      expect(events[2]).toMatchObject({ before: { title: 'D' }, after: { title: 'D2' } });
    });
  });

  it('answers a person without a password login 400 on a password change, never a 500', async () => {
    const ann = await signUp(app);
    await app.troupe.data.db.deleteFrom('account').where('userId', '=', ann.userId).execute();
    const res = await call('POST', '/api/account/password', ann.cookie, {
      currentPassword: PASSWORD,
      newPassword: 'a brand new password',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('currentPassword');
  });
});
