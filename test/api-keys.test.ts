import { describe, expect, it } from 'vitest';
import { addMember, createWorkspace, dialects, joinAs, signUp, useAdminWorkspace } from './harness.ts';
import { raceUnderWorkspaceLock } from './workspace-lock.ts';

describe.each(dialects)('API keys on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect, { seats: 10 });

  const req = (method: string, url: string, cookie: string, body?: unknown) =>
    fx.app.request({ method, url, cookie, body });
  const bearer = (key: string, url: string, method = 'GET', body?: unknown) =>
    fx.app.troupe.server.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
  const createKey = async (cookie: string, name = 'CI') => {
    const res = await req('POST', `/api/workspaces/${fx.ws.id}/api-keys`, cookie, { name });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; key: string; prefix: string };
  };

  it('creates a key shown once, stored hashed, that calls the API as its owner', async () => {
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer', 'Dev');
    const created = await createKey(dev.cookie);
    expect(created.key).toMatch(/^trp_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const row = await fx.app.troupe.data.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);

    const me = await bearer(created.key, '/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: dev.userId, workspaces: [{ id: fx.ws.id, role: 'developer' }] });
    expect((await bearer(created.key, `/api/workspaces/${fx.ws.id}/members`)).statusCode).toBe(200);
    // Bearer calls carry no cookie: mutations need no Origin.
    const renamed = await bearer(created.key, `/api/workspaces/${fx.ws.id}/items`, 'POST', {
      kind: 'draft',
      title: 'Via API',
    });
    expect(renamed.statusCode).toBe(201);
    // A key acts only inside its workspace: it cannot make another one, nor mint keys.
    const made = await bearer(created.key, '/api/workspaces', 'POST', { name: 'Via API' });
    expect(made.statusCode).toBe(403);
    expect(made.json().detail).toMatch(/only inside its own workspace/);
    expect(
      (await bearer(created.key, `/api/workspaces/${fx.ws.id}/api-keys`, 'POST', { name: 'Spawn' }))
        .statusCode,
    ).toBe(403);

    const list = (await req('GET', `/api/workspaces/${fx.ws.id}/api-keys`, dev.cookie)).json();
    expect(list.apiKeys).toHaveLength(1);
    expect(list.apiKeys[0]).not.toHaveProperty('key');
    expect(list.apiKeys[0].lastUsedAt).not.toBeNull();
  });

  it('acts with the owner’s current role: a Developer key cannot manage members', async () => {
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const { key } = await createKey(dev.cookie);
    expect((await bearer(key, `/api/workspaces/${fx.ws.id}/billing`)).statusCode).toBe(403);
  });

  it('refuses Creators and Viewers (403) and keys on other workspaces (404)', async () => {
    for (const role of ['creator', 'viewer'] as const) {
      const u = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, role);
      expect(
        (await req('POST', `/api/workspaces/${fx.ws.id}/api-keys`, u.cookie, { name: 'x' })).statusCode,
      ).toBe(403);
      expect((await req('GET', `/api/workspaces/${fx.ws.id}/api-keys`, u.cookie)).statusCode).toBe(403);
    }
    const { key } = await createKey(fx.admin.cookie);
    const other = await createWorkspace(fx.app, fx.admin.cookie, 'Other');
    expect((await bearer(key, `/api/workspaces/${other.id}`)).statusCode).toBe(404);
    const otherKey = await req('POST', `/api/workspaces/${other.id}/api-keys`, fx.admin.cookie, {
      name: 'y',
    });
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/api-keys/${otherKey.json().id}`, fx.admin.cookie))
        .statusCode,
    ).toBe(404);
  });

  it('never acts outside its workspace, even where its owner is a member (SPEC §8, §9)', async () => {
    // Ada is a Super Admin of Studio; in Other she is a Creator. Her key from Studio must be a
    // stranger in Other on every route: items, sharing, listings.
    const owner = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer', 'Dev');
    const { key } = await createKey(owner.cookie);
    const boss = await signUp(fx.app, { name: 'Bo Boss' });
    const other = await createWorkspace(fx.app, boss.cookie, 'Other');
    await addMember(fx.app, other.id, owner, 'creator');
    const mk = await req('POST', `/api/workspaces/${other.id}/items`, boss.cookie, {
      kind: 'draft',
      title: 'Secret',
    });
    const itemId = mk.json().id as string;
    // Shared with the whole workspace at edit: the owner's own session may edit it.
    await req('PATCH', `/api/items/${itemId}/access`, boss.cookie, {
      generalAccess: 'workspace',
      workspacePermission: 'edit',
    });
    expect((await req('GET', `/api/items/${itemId}`, owner.cookie)).json().permission).toBe('edit');

    const unknown = await bearer(key, '/api/items/doesnotexist');
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/items/${itemId}`],
      ['PATCH', `/api/items/${itemId}`, { title: 'Pwned' }],
      ['GET', `/api/items/${itemId}/access`],
      ['PATCH', `/api/items/${itemId}/access`, { generalAccess: 'only_me' }],
      ['PUT', `/api/items/${itemId}/grants/${owner.userId}`, { permission: 'edit' }],
      ['DELETE', `/api/items/${itemId}/grants/${boss.userId}`],
      ['DELETE', `/api/items/${itemId}`],
      ['GET', `/api/workspaces/${other.id}`],
      ['GET', `/api/workspaces/${other.id}/items`],
      ['POST', `/api/workspaces/${other.id}/items`, { kind: 'draft', title: 'x' }],
      ['GET', `/api/workspaces/${other.id}/members`],
    ];
    for (const [method, url, body] of calls) {
      const res = await bearer(key, url, method, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      if (url.startsWith('/api/items/')) expect(strip(res.json())).toEqual(strip(unknown.json()));
    }
    const item = (await req('GET', `/api/items/${itemId}`, boss.cookie)).json();
    expect(item.title).toBe('Secret');
    expect(item.generalAccess).toBe('workspace');
    const ws = (await bearer(key, '/api/workspaces')).json().workspaces.map((w: { id: string }) => w.id);
    expect(ws).toEqual([fx.ws.id]);
    expect((await bearer(key, '/api/me')).json().workspaces.map((w: { id: string }) => w.id)).toEqual([
      fx.ws.id,
    ]);
    // The owner's session still sees both.
    expect((await req('GET', '/api/workspaces', owner.cookie)).json().workspaces).toHaveLength(2);
  });

  it('stops a key the moment its owner is demoted below Developer, and for good', async () => {
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const { key } = await createKey(dev.cookie);
    await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${dev.userId}`, fx.admin.cookie, {
      role: 'creator',
    });
    const res = await bearer(key, '/api/me');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('unauthenticated');
    await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${dev.userId}`, fx.admin.cookie, {
      role: 'developer',
    });
    expect((await bearer(key, '/api/me')).statusCode).toBe(401);
  });

  it.each([
    ['the demotion', 'the key creation'],
    ['the key creation', 'the demotion'],
  ])('lets no key made while its owner is demoted survive (%s, then %s)', async (first) => {
    // Deterministic on PostgreSQL (test/workspace-lock.ts): both requests queue for the workspace's
    // lock in the order sent. The key's creation checks the role again under that lock.
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const setRole = (role: string) =>
      req('PATCH', `/api/workspaces/${fx.ws.id}/members/${dev.userId}`, fx.admin.cookie, { role });
    const create = () =>
      req('POST', `/api/workspaces/${fx.ws.id}/api-keys`, dev.cookie, { name: 'During demotion' });
    const demote = () => setRole('creator');
    const sent = first === 'the demotion' ? [demote, create] : [create, demote];
    const answers = await raceUnderWorkspaceLock(fx.app, fx.ws.id, sent);
    const demoted = answers[first === 'the demotion' ? 0 : 1];
    const created = answers[first === 'the demotion' ? 1 : 0];
    expect(demoted?.statusCode, demoted?.body).toBe(200);
    expect([201, 403], created?.body).toContain(created?.statusCode);
    if (first === 'the demotion' && fx.app.dialect === 'postgres') {
      expect(created?.statusCode, created?.body).toBe(403);
    }
    expect((await setRole('developer')).statusCode).toBe(200);
    if (created?.statusCode === 201) {
      expect((await bearer(created.json().key, '/api/me')).statusCode).toBe(401);
    }
    // No live key of theirs came out of it.
    const live = await fx.app.troupe.data.db
      .selectFrom('api_keys')
      .select('id')
      .where('user_id', '=', dev.userId)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
  });

  it('stops a key the moment its owner is removed', async () => {
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const { key } = await createKey(dev.cookie);
    expect((await bearer(key, `/api/workspaces/${fx.ws.id}`)).statusCode).toBe(200);
    await req('DELETE', `/api/workspaces/${fx.ws.id}/members/${dev.userId}`, fx.admin.cookie);
    expect((await bearer(key, `/api/workspaces/${fx.ws.id}`)).statusCode).toBe(401);
  });

  it('revokes: owners their own, Super Admins anyone’s; Developers not others’', async () => {
    const dev1 = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const dev2 = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const k1 = await createKey(dev1.cookie);
    const k2 = await createKey(dev2.cookie);
    expect(
      (await req('GET', `/api/workspaces/${fx.ws.id}/api-keys`, dev1.cookie)).json().apiKeys,
    ).toHaveLength(1);
    expect(
      (await req('GET', `/api/workspaces/${fx.ws.id}/api-keys`, fx.admin.cookie)).json().apiKeys,
    ).toHaveLength(2);
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/api-keys/${k2.id}`, dev1.cookie)).statusCode,
    ).toBe(403);
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/api-keys/${k1.id}`, dev1.cookie)).statusCode,
    ).toBe(204);
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/api-keys/${k2.id}`, fx.admin.cookie)).statusCode,
    ).toBe(204);
    expect((await bearer(k1.key, '/api/me')).statusCode).toBe(401);
    expect((await bearer(k2.key, '/api/me')).statusCode).toBe(401);
  });

  it('reads an item with the key in one query, and refuses there what every route refuses', async () => {
    const dev = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'developer');
    const { id: keyId, key } = await createKey(dev.cookie);
    const made = await req('POST', `/api/workspaces/${fx.ws.id}/items`, dev.cookie, {
      kind: 'draft',
      title: 'Mine',
    });
    const itemId = made.json().id as string;
    const hidden = (
      await req('POST', `/api/workspaces/${fx.ws.id}/items`, fx.admin.cookie, {
        kind: 'draft',
        title: 'Secret',
      })
    ).json().id as string;
    await req('PATCH', `/api/items/${hidden}/access`, fx.admin.cookie, { generalAccess: 'only_me' });
    const item = `/api/items/${itemId}`;
    await fx.app.troupe.data.db
      .updateTable('api_keys')
      .set({ last_used_at: null })
      .where('id', '=', keyId)
      .execute();

    const ok = await bearer(key, item);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: itemId, title: 'Mine', permission: 'edit' });
    // Its last use is noted (after the answer), as on every other route.
    await expect
      .poll(
        async () =>
          (
            await fx.app.troupe.data.db
              .selectFrom('api_keys')
              .select('last_used_at')
              .where('id', '=', keyId)
              .executeTakeFirstOrThrow()
          ).last_used_at,
      )
      .not.toBeNull();
    // No such item, or one the owner cannot see: 404; a malformed header or an unknown key: 401.
    expect((await bearer(key, '/api/items/01nosuchitem0000000000000')).statusCode).toBe(404);
    expect((await bearer(key, `/api/items/${hidden}`)).statusCode).toBe(404);
    expect((await bearer('trp_unknown', item)).statusCode).toBe(401);
    expect((await bearer('trp_unknown', '/api/items/01nosuchitem0000000000000')).statusCode).toBe(401);
    const malformed = await fx.app.troupe.server.inject({
      method: 'GET',
      url: item,
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.statusCode).toBe(401);
    // Revoked: 401, whatever the item.
    const other = await createKey(dev.cookie, 'Other');
    expect((await bearer(other.key, item)).statusCode).toBe(200);
    expect(
      (await req('DELETE', `/api/workspaces/${fx.ws.id}/api-keys/${other.id}`, dev.cookie)).statusCode,
    ).toBe(204);
    expect((await bearer(other.key, item)).statusCode).toBe(401);
    expect((await bearer(other.key, '/api/items/01nosuchitem0000000000000')).statusCode).toBe(401);
    // The owner demoted below Developer: 401 (the item is theirs, still).
    await req('PATCH', `/api/workspaces/${fx.ws.id}/members/${dev.userId}`, fx.admin.cookie, {
      role: 'creator',
    });
    expect((await bearer(key, item)).statusCode).toBe(401);
  });

  it('expires keys and refuses malformed or unknown ones', async () => {
    const res = await req('POST', `/api/workspaces/${fx.ws.id}/api-keys`, fx.admin.cookie, {
      name: 'Short',
      expiresInDays: 1,
    });
    const { key } = res.json();
    expect((await bearer(key, '/api/me')).statusCode).toBe(200);
    const item = (
      await req('POST', `/api/workspaces/${fx.ws.id}/items`, fx.admin.cookie, {
        kind: 'draft',
        title: 'Expiring',
      })
    ).json().id as string;
    expect((await bearer(key, `/api/items/${item}`)).statusCode).toBe(200);
    fx.app.clock.advance(24 * 3600 * 1000 + 1);
    expect((await bearer(key, '/api/me')).statusCode).toBe(401);
    expect((await bearer(key, `/api/items/${item}`)).statusCode).toBe(401);
    expect((await bearer('trp_unknown', '/api/me')).statusCode).toBe(401);
    const malformed = await fx.app.troupe.server.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.statusCode).toBe(401);
    expect(
      (await req('POST', `/api/workspaces/${fx.ws.id}/api-keys`, fx.admin.cookie, { name: '' })).statusCode,
    ).toBe(400);
  });
});
