/**
 * What the web app relies on to prevent failures before they happen (issue 11): the members page
 * says how many Super Admins there are (the last one's demote/leave is disabled with the reason),
 * `/api/session` answers 200 when signed out (no 401 in a signed-out page's console), and
 * validation problems are in words, never zod's defaults. The rules themselves still refuse.
 */
import { describe, expect, it } from 'vitest';
import { addMember, dialects, signUp, useAdminWorkspace } from './harness.ts';

describe.each(dialects)('web support on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);
  const members = async (cookie = fx.admin.cookie) => {
    const res = await fx.app.request({ method: 'GET', url: `/api/workspaces/${fx.ws.id}/members`, cookie });
    expect(res.statusCode).toBe(200);
    return res.json() as { superAdmins: number; seats: number; seatsUsed: number };
  };

  it('the members page counts the Super Admins, and the last one still cannot step down or leave', async () => {
    expect((await members()).superAdmins).toBe(1);
    const demote = await fx.app.request({
      method: 'PATCH',
      url: `/api/workspaces/${fx.ws.id}/members/${fx.admin.userId}`,
      cookie: fx.admin.cookie,
      body: { role: 'viewer' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('last_admin');
    const leave = await fx.app.request({
      method: 'DELETE',
      url: `/api/workspaces/${fx.ws.id}/members/${fx.admin.userId}`,
      cookie: fx.admin.cookie,
    });
    expect(leave.statusCode).toBe(409);

    const bob = await signUp(fx.app, { name: 'Bob' });
    await addMember(fx.app, fx.ws.id, bob, 'super_admin');
    expect((await members()).superAdmins).toBe(2);
    // A Viewer sees the same count (it is about the members everyone sees).
    const vic = await signUp(fx.app, { name: 'Vic' });
    await addMember(fx.app, fx.ws.id, vic, 'viewer');
    expect((await members(vic.cookie)).superAdmins).toBe(2);
  });

  it('GET /api/session: 200 {me: null} signed out, the user signed in', async () => {
    const out = await fx.app.request({ method: 'GET', url: '/api/session' });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ me: null });
    const bad = await fx.app.request({
      method: 'GET',
      url: '/api/session',
      cookie: 'troupe.session_token=nope',
    });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({ me: null });
    const signedIn = await fx.app.request({ method: 'GET', url: '/api/session', cookie: fx.admin.cookie });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().me).toMatchObject({ id: fx.admin.userId, email: fx.admin.email });
  });

  it('seat counts: 2.5, huge numbers and below the seats in use are refused, in words', async () => {
    const set = (seats: unknown) =>
      fx.app.request({
        method: 'POST',
        url: `/api/workspaces/${fx.ws.id}/billing/seats`,
        cookie: fx.admin.cookie,
        body: { seats },
      });
    const fraction = await set(2.5);
    expect(fraction.statusCode).toBe(400);
    expect(fraction.json().errors).toEqual([{ path: 'seats', message: 'Must be a whole number' }]);
    const huge = await set(99_999_999_999);
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors).toEqual([{ path: 'seats', message: 'Must be at most 100,000' }]);
    const text = await set('3');
    expect(text.statusCode).toBe(400);
    expect(text.json().errors[0].message).toBe('Must be a number');
    const bob = await signUp(fx.app, { name: 'Bob' });
    await addMember(fx.app, fx.ws.id, bob, 'viewer');
    const below = await set(1);
    expect(below.statusCode).toBe(409);
    expect(below.json().errors[0].message).toBe('Must be at least 2, the seats in use');
    for (const res of [fraction, huge, text, below]) {
      expect(JSON.stringify(res.json())).not.toMatch(/Invalid input|Too big|Too small|expected/);
    }
  });
});
