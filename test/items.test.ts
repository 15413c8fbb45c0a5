import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  dialects,
  joinAs,
  setSeats,
  signUp,
  startTestApp,
  type TestApp,
} from './harness.ts';
import { raceUnderWorkspaceLock } from './workspace-lock.ts';

describe.each(dialects)('library and sharing on %s', (dialect) => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof signUp>>;
  let ws: { id: string; name: string };
  let creator: Awaited<ReturnType<typeof signUp>>;
  let other: Awaited<ReturnType<typeof signUp>>;
  let viewer: Awaited<ReturnType<typeof signUp>>;
  beforeEach(async () => {
    app = await startTestApp(dialect);
    admin = await signUp(app, { name: 'Ada Admin' });
    ws = await createWorkspace(app, admin.cookie, 'Studio');
    await setSeats(app, admin.cookie, ws.id, 10);
    creator = await joinAs(app, admin.cookie, ws.id, 'creator', 'Cara Creator');
    other = await joinAs(app, admin.cookie, ws.id, 'creator', 'Otto Other');
    viewer = await joinAs(app, admin.cookie, ws.id, 'viewer', 'Vic Viewer');
  });
  afterEach(async () => {
    await app.close();
  });

  const req = (method: string, url: string, cookie: string, body?: unknown) =>
    app.request({ method, url, cookie, body });
  const create = async (cookie: string, kind: string, title: string, parentId?: string) => {
    const res = await req('POST', `/api/workspaces/${ws.id}/items`, cookie, {
      kind,
      title,
      ...(parentId ? { parentId } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; permission: string; abilities: Record<string, boolean> };
  };
  const list = async (cookie: string, query = '') =>
    (await req('GET', `/api/workspaces/${ws.id}/items${query}`, cookie)).json() as {
      items: { id: string; title: string; permission: string }[];
      nextCursor: string | null;
    };
  const share = (cookie: string, itemId: string, userId: string, permission: string) =>
    req('PUT', `/api/items/${itemId}/grants/${userId}`, cookie, { permission });

  it('creates items owned by their creator, private until shared', async () => {
    const folder = await create(creator.cookie, 'folder', 'Campaign');
    expect(folder).toMatchObject({
      permission: 'edit',
      abilities: { edit: true, share: true, delete: true, move: true },
    });
    const draft = await create(creator.cookie, 'draft', 'Intro', folder.id);
    expect((await req('GET', `/api/items/${draft.id}`, creator.cookie)).json()).toMatchObject({
      parentId: folder.id,
      ownerId: creator.userId,
      generalAccess: 'selected',
    });
    // Others in the workspace do not see it; the Super Admin does.
    expect((await req('GET', `/api/items/${draft.id}`, other.cookie)).statusCode).toBe(404);
    expect((await list(other.cookie)).items).toEqual([]);
    expect((await req('GET', `/api/items/${draft.id}`, admin.cookie)).json().permission).toBe('edit');
    expect((await list(admin.cookie)).items.map((i) => i.title)).toEqual(['Campaign']);
  });

  it('refuses Viewers creating (403) and outsiders anything (404)', async () => {
    const res = await req('POST', `/api/workspaces/${ws.id}/items`, viewer.cookie, {
      kind: 'draft',
      title: 'x',
    });
    expect(res.statusCode).toBe(403);
    const outsider = await signUp(app);
    const item = await create(creator.cookie, 'draft', 'Secret');
    await req('PATCH', `/api/items/${item.id}/access`, creator.cookie, {
      generalAccess: 'workspace',
      workspacePermission: 'edit',
    });
    expect((await req('GET', `/api/items/${item.id}`, outsider.cookie)).statusCode).toBe(404);
    expect((await req('GET', `/api/workspaces/${ws.id}/items`, outsider.cookie)).statusCode).toBe(404);
    expect((await req('GET', '/api/items/01unknownitem', creator.cookie)).statusCode).toBe(404);
  });

  it('answers a share with the access list a read right after shows (new grant, changed grant, through a folder)', async () => {
    const folder = await create(creator.cookie, 'folder', 'Answer folder');
    const draft = await create(creator.cookie, 'draft', 'Answer draft', folder.id);
    const access = async (id: string) => {
      const res = await req('GET', `/api/items/${id}/access`, creator.cookie);
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const steps: [string, string, string][] = [
      [folder.id, other.userId, 'view'], // a folder grant, inherited by the draft
      [draft.id, viewer.userId, 'edit'], // a new direct grant (a Viewer: capped at view)
      [draft.id, other.userId, 'edit'], // a direct grant beside the inherited one
      [draft.id, viewer.userId, 'view'], // a grant changed
      [folder.id, other.userId, 'edit'],
    ];
    for (const [id, userId, permission] of steps) {
      const res = await share(creator.cookie, id, userId, permission);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(await access(id));
      expect((await access(draft.id)).people.length).toBeGreaterThan(0);
    }
    const final = await access(draft.id);
    expect(final.grants.map((g: { userId: string; permission: string }) => [g.userId, g.permission])).toEqual(
      expect.arrayContaining([
        [other.userId, 'edit'],
        [viewer.userId, 'view'],
      ]),
    );
  });

  it('shares a folder: access flows down, a Viewer stays view-only and the dialog says why', async () => {
    const folder = await create(creator.cookie, 'folder', 'Shared folder');
    const draft = await create(creator.cookie, 'draft', 'Draft inside', folder.id);
    expect((await share(creator.cookie, folder.id, other.userId, 'edit')).statusCode).toBe(200);
    const viewerShare = await share(creator.cookie, folder.id, viewer.userId, 'edit');
    expect(viewerShare.statusCode).toBe(200);
    // The answer is the access list after the change: both grants, the Viewer's capped at view.
    expect(
      viewerShare.json().grants.map((g: { userId: string; permission: string }) => [g.userId, g.permission]),
    ).toEqual(
      expect.arrayContaining([
        [other.userId, 'edit'],
        [viewer.userId, 'edit'],
      ]),
    );
    expect(
      viewerShare.json().people.find((p: { userId: string }) => p.userId === viewer.userId),
    ).toMatchObject({ permission: 'view', viewerCapped: true });

    const asOther = await req('GET', `/api/items/${draft.id}`, other.cookie);
    expect(asOther.json()).toMatchObject({ permission: 'edit', abilities: { edit: true, share: true } });
    expect(
      (await req('PATCH', `/api/items/${draft.id}`, other.cookie, { title: 'Edited by Otto' })).statusCode,
    ).toBe(200);

    const asViewer = await req('GET', `/api/items/${draft.id}`, viewer.cookie);
    expect(asViewer.json()).toMatchObject({
      permission: 'view',
      abilities: { edit: false, share: false, delete: false, move: false },
    });
    expect((await req('PATCH', `/api/items/${draft.id}`, viewer.cookie, { title: 'nope' })).statusCode).toBe(
      403,
    );
    expect((await share(viewer.cookie, draft.id, other.userId, 'view')).statusCode).toBe(403);

    const access = (await req('GET', `/api/items/${draft.id}/access`, creator.cookie)).json();
    const vic = access.people.find((p: { userId: string }) => p.userId === viewer.userId);
    expect(vic).toMatchObject({ permission: 'view', viewerCapped: true, role: 'viewer' });
    expect(vic.reasons).toEqual([
      { kind: 'inherited', permission: 'edit', folder: { id: folder.id, title: 'Shared folder' } },
    ]);
    const owner = access.people.find((p: { userId: string }) => p.userId === creator.userId);
    expect(owner.reasons[0].kind).toBe('owner');
    expect(access.people.find((p: { userId: string }) => p.userId === admin.userId).reasons[0].kind).toBe(
      'super_admin',
    );

    // Shared folder shows in "shared with me", the draft inside does not (it came with the folder).
    expect((await list(other.cookie, '?view=shared')).items.map((i) => i.title)).toEqual(['Shared folder']);
    expect((await list(other.cookie, `?parentId=${folder.id}`)).items.map((i) => i.title)).toEqual([
      'Edited by Otto',
    ]);
  });

  it('names every Super Admin (oldest membership first) and the owner of a folder above the item', async () => {
    const folder = await create(other.cookie, 'folder', 'Otto folder');
    expect((await share(other.cookie, folder.id, creator.userId, 'edit')).statusCode).toBe(200);
    const draft = await create(creator.cookie, 'draft', 'Inside', folder.id);
    // Joined later than everyone else (the test clock stands still otherwise).
    app.clock.advance(60_000);
    const late = await joinAs(app, admin.cookie, ws.id, 'super_admin', 'Aaron Late');
    const access = (await req('GET', `/api/items/${draft.id}/access`, creator.cookie)).json();
    const kinds = (p: { reasons: { kind: string }[] }) => p.reasons.map((r) => r.kind);
    expect(
      access.people
        .filter((p: { reasons: { kind: string }[] }) => kinds(p).includes('super_admin'))
        .map((p: { userId: string }) => p.userId),
    ).toEqual([admin.userId, late.userId]);
    const otto = access.people.find((p: { userId: string }) => p.userId === other.userId);
    expect(otto.reasons).toEqual([
      { kind: 'folder_owner', permission: 'edit', folder: { id: folder.id, title: 'Otto folder' } },
    ]);
    const cara = access.people.find((p: { userId: string }) => p.userId === creator.userId);
    expect(kinds(cara)).toEqual(['owner', 'inherited']);
    // A share answers the same list (one query reads grants, Super Admins and owners for both).
    const shared = await share(creator.cookie, draft.id, other.userId, 'view');
    expect(shared.json().people.map((p: { userId: string }) => p.userId)).toEqual(
      (await req('GET', `/api/items/${draft.id}/access`, creator.cookie))
        .json()
        .people.map((p: { userId: string }) => p.userId),
    );
  });

  it('answers a sharing change that takes away the caller’s own access, and applies it', async () => {
    const item = await create(creator.cookie, 'draft', 'Handed over');
    await share(creator.cookie, item.id, other.userId, 'edit');
    const res = await req('DELETE', `/api/items/${item.id}/grants/${other.userId}`, other.cookie);
    expect(res.statusCode).toBe(200);
    expect(res.json().grants).toEqual([]);
    expect((await req('GET', `/api/items/${item.id}`, other.cookie)).statusCode).toBe(404);
  });

  it('lets nobody grant more than they hold, and only to members', async () => {
    const item = await create(creator.cookie, 'video', 'Cut');
    await share(creator.cookie, item.id, other.userId, 'view');
    const res = await share(other.cookie, item.id, viewer.userId, 'edit');
    expect(res.statusCode).toBe(403);
    const outsider = await signUp(app);
    const bad = await share(creator.cookie, item.id, outsider.userId, 'view');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('userId');
    expect((await share(creator.cookie, item.id, other.userId, 'owner')).statusCode).toBe(400);
  });

  it('general access: workspace view/edit, only me, and dormant grants', async () => {
    const item = await create(creator.cookie, 'draft', 'Open draft');
    await share(creator.cookie, item.id, other.userId, 'edit');
    await req('PATCH', `/api/items/${item.id}/access`, creator.cookie, {
      generalAccess: 'workspace',
      workspacePermission: 'view',
    });
    expect((await req('GET', `/api/items/${item.id}`, viewer.cookie)).json().permission).toBe('view');
    const only = await req('PATCH', `/api/items/${item.id}/access`, creator.cookie, {
      generalAccess: 'only_me',
    });
    expect(only.json()).toMatchObject({ grantsDormant: true, workspace: null });
    expect((await req('GET', `/api/items/${item.id}`, other.cookie)).statusCode).toBe(404);
    expect((await req('GET', `/api/items/${item.id}`, admin.cookie)).json().permission).toBe('edit');
    await req('PATCH', `/api/items/${item.id}/access`, creator.cookie, { generalAccess: 'selected' });
    expect((await req('GET', `/api/items/${item.id}`, other.cookie)).json().permission).toBe('edit');
    expect(
      (await req('PATCH', `/api/items/${item.id}/access`, creator.cookie, { generalAccess: 'public' }))
        .statusCode,
    ).toBe(400);
  });

  it('moves items: needs edit on both ends, no cycles, same workspace, and inheritance follows at once', async () => {
    const a = await create(creator.cookie, 'folder', 'A');
    const b = await create(creator.cookie, 'folder', 'B', a.id);
    const c = await create(creator.cookie, 'folder', 'C', b.id);
    const draft = await create(creator.cookie, 'draft', 'D');
    const move = (id: string, parentId: string | null, cookie = creator.cookie) =>
      req('PATCH', `/api/items/${id}`, cookie, { parentId });

    const cycle = await move(a.id, c.id);
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().detail).toContain('own subfolder');
    expect((await move(a.id, a.id)).statusCode).toBe(400);
    expect((await move(draft.id, draft.id)).statusCode).toBe(400);
    const notFolder = await create(creator.cookie, 'video', 'V');
    expect((await move(draft.id, notFolder.id)).statusCode).toBe(400);

    const otherWs = await createWorkspace(app, admin.cookie, 'Elsewhere');
    const foreign = await req('POST', `/api/workspaces/${otherWs.id}/items`, admin.cookie, {
      kind: 'folder',
      title: 'Foreign',
    });
    expect((await move(draft.id, foreign.json().id, admin.cookie)).statusCode).toBe(400);

    await share(creator.cookie, c.id, other.userId, 'view');
    expect((await req('GET', `/api/items/${draft.id}`, other.cookie)).statusCode).toBe(404);
    expect((await move(draft.id, c.id)).statusCode).toBe(200);
    expect((await req('GET', `/api/items/${draft.id}`, other.cookie)).json().permission).toBe('view');
    // Otto has view on C: he cannot move things out of it.
    expect((await move(draft.id, null, other.cookie)).statusCode).toBe(403);
    expect((await move(draft.id, null)).statusCode).toBe(200);
    expect((await req('GET', `/api/items/${draft.id}`, other.cookie)).statusCode).toBe(404);
  });

  it('refuses a move to the root that would leave the mover without access, before writing (403); allows one that keeps it', async () => {
    const folder = await create(creator.cookie, 'folder', 'Team folder');
    const draft = await create(creator.cookie, 'draft', 'Inside', folder.id);
    expect(
      (
        await req('PUT', `/api/items/${folder.id}/grants/${other.userId}`, creator.cookie, {
          permission: 'edit',
        })
      ).statusCode,
    ).toBe(200);
    const mine = await create(other.cookie, 'draft', 'Mine', folder.id);
    // `other` edits the folder and so the draft, but at the root the draft would be only its owner's.
    const read = (await req('GET', `/api/items/${draft.id}`, other.cookie)).json();
    expect(read).toMatchObject({ permission: 'edit', abilities: { move: true, moveToRoot: false } });
    // The listing of the folder says the same, as does the owner's read (their own, wherever it goes).
    const inFolder = (await list(other.cookie, `?view=folder&parentId=${folder.id}`)).items.find(
      (i) => i.id === draft.id,
    ) as unknown as { abilities: Record<string, boolean> } | undefined;
    expect(inFolder?.abilities).toMatchObject({ move: true, moveToRoot: false });
    expect((await req('GET', `/api/items/${draft.id}`, creator.cookie)).json().abilities.moveToRoot).toBe(
      true,
    );
    const refused = await req('PATCH', `/api/items/${draft.id}`, other.cookie, { parentId: null });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden' });
    expect(refused.json().detail).toContain('would leave you without access');
    expect((await req('GET', `/api/items/${draft.id}`, creator.cookie)).json().parentId).toBe(folder.id);
    // With a grant on the draft itself, or their own item, or for its owner: moved, and answered.
    expect(
      (await req('PATCH', `/api/items/${mine.id}`, other.cookie, { parentId: null })).json(),
    ).toMatchObject({ parentId: null, permission: 'edit' });
    await req('PUT', `/api/items/${draft.id}/grants/${other.userId}`, creator.cookie, { permission: 'view' });
    expect((await req('GET', `/api/items/${draft.id}`, other.cookie)).json().abilities.moveToRoot).toBe(true);
    const moved = await req('PATCH', `/api/items/${draft.id}`, other.cookie, { parentId: null });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ parentId: null, permission: 'view' });
    expect(
      (await req('PATCH', `/api/items/${draft.id}`, creator.cookie, { parentId: folder.id })).statusCode,
    ).toBe(200);
  });

  it('refuses a move that would nest folders past 64 deep, counting the moved folder’s own levels', async () => {
    const chain = async (name: string, n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++)
        ids.push((await create(creator.cookie, 'folder', `${name}${i + 1}`, ids[i - 1])).id);
      return ids;
    };
    const a = await chain('A', 40);
    const b = await chain('B', 40);
    const move = (id: string, parentId: string) =>
      req('PATCH', `/api/items/${id}`, creator.cookie, { parentId });
    // B1 has 39 levels below it: into A40 (depth 40) its last folder would sit 80 deep.
    const tooDeep = await move(b[0] as string, a[39] as string);
    expect(tooDeep.statusCode, tooDeep.body).toBe(400);
    expect(tooDeep.json()).toMatchObject({
      code: 'validation',
      errors: [{ path: 'parentId', message: 'Folders nest at most 64 deep' }],
    });
    // Into A25, 65 deep: refused; into A24, exactly 64: allowed.
    expect((await move(b[0] as string, a[24] as string)).statusCode).toBe(400);
    expect((await req('GET', `/api/items/${b[0]}`, creator.cookie)).json().parentId).toBeNull();
    const atLimit = await move(b[0] as string, a[23] as string);
    expect(atLimit.statusCode, atLimit.body).toBe(200);
    // At the limit, a share on the top folder reaches the bottom, and nothing goes below it.
    await share(creator.cookie, a[0] as string, other.userId, 'view');
    const bottom = await req('GET', `/api/items/${b[39]}`, other.cookie);
    expect(bottom.json()).toMatchObject({ id: b[39], permission: 'view' });
    expect((await list(other.cookie, `?parentId=${b[38]}`)).items.map((i) => i.title)).toEqual(['B40']);
    const below = await req('POST', `/api/workspaces/${ws.id}/items`, creator.cookie, {
      kind: 'folder',
      title: 'One more',
      parentId: b[39],
    });
    expect(below.statusCode).toBe(400);
    // What is inside a moved folder counts, drafts too: B39 is 63 deep, room for one level.
    const empty = await create(creator.cookie, 'folder', 'Empty');
    const full = await create(creator.cookie, 'folder', 'Full');
    await create(creator.cookie, 'draft', 'Note', full.id);
    expect((await move(full.id, b[38] as string)).statusCode).toBe(400);
    expect((await move(empty.id, b[38] as string)).statusCode).toBe(200);
  });

  it('two moves at once, A into B and B into A: one wins, the other is refused, no cycle', async () => {
    const a = await create(creator.cookie, 'folder', 'A');
    const b = await create(creator.cookie, 'folder', 'B');
    const move = (id: string, parentId: string) => () =>
      req('PATCH', `/api/items/${id}`, creator.cookie, { parentId });
    const results = await raceUnderWorkspaceLock(app, ws.id, [move(a.id, b.id), move(b.id, a.id)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.statusCode === 400)?.json().detail).toContain('own subfolder');
    const parents = new Map(
      (
        await app.troupe.data.db
          .selectFrom('items')
          .select(['id', 'parent_id'])
          .where('workspace_id', '=', ws.id)
          .execute()
      ).map((r) => [r.id, r.parent_id]),
    );
    // Walking up from each reaches the root.
    for (const id of [a.id, b.id]) {
      let at: string | null | undefined = id;
      for (let steps = 0; at; steps++) {
        expect(steps).toBeLessThan(3);
        at = parents.get(at);
      }
    }
  });

  it('answers a hand-made listing cursor with 400, never 500 (both databases)', async () => {
    await create(creator.cookie, 'folder', 'F');
    const cursor = (values: string[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
    const bad = [
      ['', ['x', 'a', 'b']],
      ['', ['1.5', 'a', 'b']],
      ['', ['1e400', 'a', 'b']],
      ['&sort=date', ['x', 'a']],
      ['&sort=date', ['1.5', 'a']],
      ['&view=mine', ['x', 'a', 'b']],
      ['&view=mine', ['1.5', 'a', 'b']],
      ['&view=mine&sort=date', ['-0.5', 'a']],
      ['&view=shared', ['1.5', 'a']],
      // A rank past PostgreSQL's integer, and U+0000 in a text value: refused there as parameters.
      ['', ['3000000000', 'a', 'b']],
      ['', ['0', '\u0000', 'x']],
      ['&sort=date', ['0', 'a\u0000']],
      ['&view=shared', ['0', '\u0000']],
    ] as const;
    for (const [query, values] of bad) {
      const res = await req(
        'GET',
        `/api/workspaces/${ws.id}/items?cursor=${cursor([...values])}${query}`,
        creator.cookie,
      );
      expect(res.statusCode, `${query} ${values} ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'validation',
        errors: [{ path: 'cursor', message: 'Not a cursor this API gave out' }],
      });
    }
    const trash = await req(
      'GET',
      `/api/workspaces/${ws.id}/trash?cursor=${cursor(['1.5', 'a'])}`,
      creator.cookie,
    );
    expect(trash.statusCode, trash.body).toBe(400);
    // A cursor the API gave out still works.
    await create(creator.cookie, 'folder', 'G');
    const first = await list(creator.cookie, '?view=mine&limit=1');
    expect(first.nextCursor).not.toBeNull();
    expect((await list(creator.cookie, `?view=mine&limit=1&cursor=${first.nextCursor}`)).items).toHaveLength(
      1,
    );
  });

  it('deletes a folder with its contents', async () => {
    const f = await create(creator.cookie, 'folder', 'F');
    const inner = await create(creator.cookie, 'draft', 'Inner', f.id);
    expect((await req('DELETE', `/api/items/${f.id}`, other.cookie)).statusCode).toBe(404);
    expect((await req('DELETE', `/api/items/${f.id}`, creator.cookie)).statusCode).toBe(204);
    expect((await req('GET', `/api/items/${inner.id}`, admin.cookie)).statusCode).toBe(404);
  });

  it('pages and sorts listings: folders first by name, or newest first', async () => {
    for (const t of ['delta', 'Alpha', 'charlie', 'Bravo', 'echo']) await create(creator.cookie, 'draft', t);
    await create(creator.cookie, 'folder', 'Zulu folder');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(creator.cookie, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Zulu folder', 'Alpha', 'Bravo', 'charlie', 'delta', 'echo']);
    app.clock.advance(1);
    await create(creator.cookie, 'draft', 'newest');
    const byDate = await list(creator.cookie, '?sort=date&limit=2');
    expect(byDate.items[0]?.title).toBe('newest');
    const next = await list(creator.cookie, `?sort=date&limit=2&cursor=${byDate.nextCursor}`);
    expect(next.items).toHaveLength(2);
    expect((await req('GET', `/api/workspaces/${ws.id}/items?cursor=bad`, creator.cookie)).statusCode).toBe(
      400,
    );
  });

  it('reads an item with the session in one query: expiry, sign-out and removal count at once', async () => {
    const folder = await create(creator.cookie, 'folder', 'Shared');
    const inner = await create(creator.cookie, 'draft', 'Inner', folder.id);
    await share(creator.cookie, folder.id, other.userId, 'edit');
    const get = (cookie: string | null, id = inner.id) =>
      app.request({ method: 'GET', url: `/api/items/${id}`, cookie });
    expect((await get(other.cookie)).json()).toMatchObject({ id: inner.id, permission: 'edit' });
    expect((await get(viewer.cookie)).statusCode).toBe(404);
    expect((await get(other.cookie, 'no-such-item')).statusCode).toBe(404);
    expect((await get(null)).statusCode).toBe(401);
    const [name, value] = other.cookie.split('=') as [string, string];
    const forged = `${name}=${encodeURIComponent(`${decodeURIComponent(value).split('.')[0]}.${Buffer.alloc(32).toString('base64')}`)}`;
    expect((await get(forged)).statusCode).toBe(401);

    // An API key takes the usual path; it only works in its own workspace.
    const dev = await joinAs(app, admin.cookie, ws.id, 'developer', 'Dev');
    await share(creator.cookie, folder.id, dev.userId, 'view');
    const key = (await req('POST', `/api/workspaces/${ws.id}/api-keys`, dev.cookie, { name: 'CI' })).json()
      .key;
    const viaKey = await app.troupe.server.inject({
      method: 'GET',
      url: `/api/items/${inner.id}`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(viaKey.json()).toMatchObject({ id: inner.id, permission: 'view' });

    // A removed member loses access with the very next request.
    expect(
      (await req('DELETE', `/api/workspaces/${ws.id}/members/${other.userId}`, admin.cookie)).statusCode,
    ).toBe(204);
    expect((await get(other.cookie)).statusCode).toBe(404);
    // Sign-out ends the session at once; an expired session is refused.
    expect((await req('POST', '/api/auth/sign-out', creator.cookie, {})).statusCode).toBe(200);
    expect((await get(creator.cookie)).statusCode).toBe(401);
    expect((await get(admin.cookie)).statusCode).toBe(200);
    app.clock.advance(31 * 24 * 3600 * 1000);
    expect((await get(admin.cookie)).statusCode).toBe(401);
  });

  it('hands a removed member’s items to the Super Admin who removed them', async () => {
    const item = await create(creator.cookie, 'draft', 'Orphan');
    await share(creator.cookie, item.id, other.userId, 'view');
    expect(
      (await req('DELETE', `/api/workspaces/${ws.id}/members/${creator.userId}`, admin.cookie)).statusCode,
    ).toBe(204);
    expect((await req('GET', `/api/items/${item.id}`, admin.cookie)).json().ownerId).toBe(admin.userId);
    const audit = (
      await req('GET', `/api/workspaces/${ws.id}/audit?action=items.hand_over`, admin.cookie)
    ).json();
    expect(audit.events[0]).toMatchObject({ after: { ownerId: admin.userId, items: 1 } });
  });
});
