import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addMember,
  createWorkspace,
  dialects,
  joinAs,
  signUp,
  startTestApp,
  type TestApp,
} from './harness.ts';

describe.each(dialects)('workspaces on %s', (dialect) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp(dialect);
  });
  afterEach(async () => {
    await app.close();
  });

  const countWorkspaces = async () =>
    Number(
      (
        await app.troupe.data.db
          .selectFrom('workspaces')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('creates a workspace whose creator is its Super Admin, with 5 seats and one used', async () => {
    const ann = await signUp(app, { name: 'Ann' });
    const res = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie: ann.cookie,
      body: { name: '  Acme Video  ' },
    });
    expect(res.statusCode).toBe(201);
    const ws = res.json();
    expect(ws).toMatchObject({
      name: 'Acme Video',
      role: 'super_admin',
      seats: 5,
      seatsUsed: 1,
      requireApproval: false,
      companyDomain: null,
    });

    const me = (await app.request({ method: 'GET', url: '/api/me', cookie: ann.cookie })).json();
    expect(me.workspaces).toEqual([{ id: ws.id, name: 'Acme Video', role: 'super_admin' }]);
  });

  it('lists only my workspaces, and switches between several', async () => {
    const ann = await signUp(app);
    const bob = await signUp(app);
    const a1 = await createWorkspace(app, ann.cookie, 'Bravo');
    const a2 = await createWorkspace(app, ann.cookie, 'Alpha');
    await createWorkspace(app, bob.cookie, 'Bob only');
    const list = (await app.request({ method: 'GET', url: '/api/workspaces', cookie: ann.cookie })).json();
    expect(list.workspaces.map((w: { name: string }) => w.name)).toEqual(['Alpha', 'Bravo']);
    expect(list.nextCursor).toBeNull();
    for (const ws of [a1, a2]) {
      const res = await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}`, cookie: ann.cookie });
      expect(res.statusCode).toBe(200);
      expect(res.json().id).toBe(ws.id);
    }
  });

  it('answers 404 for a workspace I do not belong to and for unknown ids, 400 for malformed ids', async () => {
    const ann = await signUp(app);
    const bob = await signUp(app);
    const bobs = await createWorkspace(app, bob.cookie);
    for (const url of [`/api/workspaces/${bobs.id}`, '/api/workspaces/01unknownworkspace']) {
      const res = await app.request({ method: 'GET', url, cookie: ann.cookie });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('not_found');
    }
    const patch = await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${bobs.id}`,
      cookie: ann.cookie,
      body: { name: 'Mine now' },
    });
    expect(patch.statusCode).toBe(404);
    const bad = await app.request({
      method: 'GET',
      url: '/api/workspaces/not%20an%20id!',
      cookie: ann.cookie,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('ws');
  });

  it('refuses signed-out callers with 401', async () => {
    expect((await app.request({ method: 'GET', url: '/api/workspaces' })).statusCode).toBe(401);
    expect(
      (await app.request({ method: 'POST', url: '/api/workspaces', body: { name: 'x' } })).json().code,
    ).toBe('unauthenticated');
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: '   ' }, 'name'],
    [{ name: 'x'.repeat(101) }, 'name'],
    [{ name: 42 }, 'name'],
    [{}, 'name'],
    [{ name: 'ok', extra: true }, 'body'],
  ])('rejects a bad create body %j naming %s, writing nothing', async (body, field) => {
    const ann = await signUp(app);
    const res = await app.request({ method: 'POST', url: '/api/workspaces', cookie: ann.cookie, body });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation', status: 400 });
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await countWorkspaces()).toBe(0);
  });

  it('accepts a name of exactly 100 characters', async () => {
    const ann = await signUp(app);
    const res = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie: ann.cookie,
      body: { name: 'x'.repeat(100) },
    });
    expect(res.statusCode).toBe(201);
  });

  it('rejects malformed JSON with 400 and writes nothing', async () => {
    const ann = await signUp(app);
    const res = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie: ann.cookie,
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation');
    expect(await countWorkspaces()).toBe(0);
  });

  it('lets only Super Admins change settings', async () => {
    const ann = await signUp(app);
    const ws = await createWorkspace(app, ann.cookie, 'Studio');
    for (const role of ['developer', 'creator', 'viewer'] as const) {
      const other = await signUp(app);
      await addMember(app, ws.id, other, role);
      const get = await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}`, cookie: other.cookie });
      expect(get.json().role).toBe(role);
      const res = await app.request({
        method: 'PATCH',
        url: `/api/workspaces/${ws.id}`,
        cookie: other.cookie,
        body: { name: 'Hijacked' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
      const del = await app.request({
        method: 'DELETE',
        url: `/api/workspaces/${ws.id}`,
        cookie: other.cookie,
        body: { confirmName: 'Studio' },
      });
      expect(del.statusCode).toBe(403);
    }
    const ok = await app.request({
      method: 'PATCH',
      url: `/api/workspaces/${ws.id}`,
      cookie: ann.cookie,
      body: { name: 'Studio 2', requireApproval: true },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Studio 2', requireApproval: true });
  });

  it('takes a company domain only from a Super Admin’s verified email, never a webmail domain', async () => {
    const ann = await signUp(app, { email: 'ann@acme.io' });
    const ws = await createWorkspace(app, ann.cookie);
    const set = (companyDomain: string | null) =>
      app.request({
        method: 'PATCH',
        url: `/api/workspaces/${ws.id}`,
        cookie: ann.cookie,
        body: { companyDomain },
      });

    const options = async () =>
      (
        await app.request({
          method: 'GET',
          url: `/api/workspaces/${ws.id}/company-domains`,
          cookie: ann.cookie,
        })
      ).json().options;
    expect(await options()).toEqual([]); // nothing to offer: the settings page says why
    let res = await set('acme.io');
    expect(res.statusCode).toBe(400); // not verified yet
    expect(res.json().errors[0].path).toBe('companyDomain');

    await app.troupe.data.db
      .updateTable('user')
      .set({ emailVerified: app.dialect === 'sqlite' ? 1 : true })
      .where('id', '=', ann.userId)
      .execute();
    expect(await options()).toEqual(['acme.io']);
    // A second Super Admin at a webmail address adds nothing; one at another company, their domain.
    for (const [email, role] of [
      ['bo@gmail.com', 'super_admin'],
      ['cy@beta.dev', 'super_admin'],
      ['di@gamma.dev', 'creator'],
      ['ed@bad-.dev', 'super_admin'], // an address the email rule takes, a domain the domain rule does not
    ] as const) {
      await joinAs(app, ann.cookie, ws.id, role, email.split('@')[0], email); // verified
    }
    expect(await options()).toEqual(['acme.io', 'beta.dev']);
    expect((await set('gamma.dev')).statusCode).toBe(400); // a Creator's domain: not offered, refused
    expect((await set('beta.dev')).statusCode).toBe(200);
    expect((await set('gmail.com')).json().detail).toContain('public email provider');
    expect((await set('other.io')).statusCode).toBe(400);
    expect((await set('not a domain')).statusCode).toBe(400);
    res = await set('ACME.io');
    expect(res.statusCode).toBe(200);
    expect(res.json().companyDomain).toBe('acme.io');
    expect((await set(null)).json().companyDomain).toBeNull();
  });

  it('deletes a workspace only after its exact name is typed', async () => {
    const ann = await signUp(app);
    const ws = await createWorkspace(app, ann.cookie, 'Keep Me');
    const wrong = await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}`,
      cookie: ann.cookie,
      body: { confirmName: 'keep me' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('confirmName');
    expect(await countWorkspaces()).toBe(1);
    const missing = await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}`,
      cookie: ann.cookie,
    });
    expect(missing.statusCode).toBe(400);
    const ok = await app.request({
      method: 'DELETE',
      url: `/api/workspaces/${ws.id}`,
      cookie: ann.cookie,
      body: { confirmName: 'Keep Me' },
    });
    expect(ok.statusCode).toBe(204);
    expect(await countWorkspaces()).toBe(0);
    expect(
      (await app.request({ method: 'GET', url: `/api/workspaces/${ws.id}`, cookie: ann.cookie })).statusCode,
    ).toBe(404);
    expect(
      (await app.request({ method: 'GET', url: '/api/me', cookie: ann.cookie })).json().workspaces,
    ).toEqual([]);
  });

  it('refuses cookie-authenticated mutations from a foreign or missing Origin (CSRF)', async () => {
    const ann = await signUp(app);
    for (const headers of [{ origin: 'https://evil.example' }, { origin: '' }]) {
      const res = await app.request({
        method: 'POST',
        url: '/api/workspaces',
        cookie: ann.cookie,
        body: { name: 'x' },
        headers,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('csrf');
    }
    expect(await countWorkspaces()).toBe(0);
    const sameHost = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie: ann.cookie,
      body: { name: 'x' },
      headers: { origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(sameHost.statusCode).toBe(201);
  });
});
