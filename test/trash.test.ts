/**
 * The trash (SPEC §5, docs/RULES.md "Trash"): deleting moves an item and everything inside it to
 * the workspace trash for 30 days; trashed items are gone to every read, listing, share and public
 * path (404, as if deleted); whoever could delete one may restore it (or delete it for good); the
 * purge job deletes what is older than 30 days, stored files and captions included.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeTrashedItem } from '../src/data/items.repo.ts';
import { TRASH_MS } from '../src/domain/access.ts';
import {
  createWorkspace,
  dialects,
  joinAs,
  type SignedUp,
  setSeats,
  signUp,
  startTestApp,
  type TestApp,
  verifyEmail,
} from './harness.ts';
import { storedFiles, uploadedVideo } from './video-helpers.ts';
import { raceUnderWorkspaceLock } from './workspace-lock.ts';
import { createApiKey } from './world.ts';

const DAY = 24 * 60 * 60 * 1000;
const VTT = 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n';

describe.each(dialects)('trash on %s', (dialect) => {
  let app: TestApp;
  let admin: SignedUp;
  let ws: { id: string; name: string };
  let creator: SignedUp;
  let other: SignedUp;
  let viewer: SignedUp;
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

  const req = (method: string, url: string, cookie: string | null, body?: unknown) =>
    app.request({ method, url, cookie, body });
  const create = async (cookie: string, kind: string, title: string, parentId?: string) => {
    const res = await req('POST', `/api/workspaces/${ws.id}/items`, cookie, {
      kind,
      title,
      ...(parentId ? { parentId } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const ids = async (cookie: string, query = '') => {
    const res = await req('GET', `/api/workspaces/${ws.id}/items${query}`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { id: string }[]).map((i) => i.id);
  };
  const trash = async (cookie: string) => {
    const res = await req('GET', `/api/workspaces/${ws.id}/trash`, cookie);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as {
      id: string;
      title: string;
      ownerName: string;
      trashedBy: { id: string; name: string } | null;
      daysLeft: number;
      purgeAt: string;
    }[];
  };
  const del = (cookie: string, id: string, permanent = false) =>
    req('DELETE', `/api/items/${id}${permanent ? '?permanent=true' : ''}`, cookie);
  const restore = (cookie: string, id: string) => req('POST', `/api/items/${id}/restore`, cookie);
  const status = async (method: string, url: string, cookie: string | null, body?: unknown) =>
    (await req(method, url, cookie, body)).statusCode;

  it('deletes a folder with its contents to the trash and restores it as it was', async () => {
    const folder = await create(creator.cookie, 'folder', 'Campaign');
    const draft = await create(creator.cookie, 'draft', 'Script', folder);
    const sub = await create(creator.cookie, 'folder', 'Cuts', folder);
    const deep = await create(creator.cookie, 'draft', 'Cut 1', sub);
    expect(
      (
        await req('PUT', `/api/items/${folder}/grants/${other.userId}`, creator.cookie, {
          permission: 'view',
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await req('PUT', `/api/items/${deep}/grants/${viewer.userId}`, creator.cookie, { permission: 'view' }))
        .statusCode,
    ).toBe(200);
    expect(await ids(other.cookie, '?view=shared')).toEqual([folder]);

    expect((await del(creator.cookie, folder)).statusCode).toBe(204);
    for (const id of [folder, draft, sub, deep]) {
      for (const who of [creator, other, admin])
        expect(await status('GET', `/api/items/${id}`, who.cookie)).toBe(404);
    }
    expect(await ids(creator.cookie)).toEqual([]);
    expect(await ids(admin.cookie)).toEqual([]);
    expect(await ids(creator.cookie, '?view=mine')).toEqual([]);
    expect(await ids(other.cookie, '?view=shared')).toEqual([]);
    expect(await ids(viewer.cookie, '?view=shared')).toEqual([]);
    expect(await status('GET', `/api/workspaces/${ws.id}/items?parentId=${folder}`, creator.cookie)).toBe(
      404,
    );

    // The trash shows the deleted folder only (its contents went with it), to those who may restore it.
    const listed = await trash(creator.cookie);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id: folder,
      title: 'Campaign',
      ownerName: 'Cara Creator',
      trashedBy: { id: creator.userId, name: 'Cara Creator' },
      daysLeft: 30,
      purgeAt: new Date(app.clock.now() + 30 * DAY).toISOString(),
    });
    expect((await trash(admin.cookie)).map((i) => i.id)).toEqual([folder]);
    expect(await trash(other.cookie)).toEqual([]);
    expect(await trash(viewer.cookie)).toEqual([]);
    // What went with the folder comes back only with it.
    expect((await restore(creator.cookie, draft)).statusCode).toBe(404);

    app.clock.advance(3 * DAY);
    expect((await trash(creator.cookie))[0]?.daysLeft).toBe(27);
    const back = await restore(creator.cookie, folder);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ id: folder, parentId: null, permission: 'edit' });
    expect(await trash(creator.cookie)).toEqual([]);
    expect(await ids(creator.cookie, `?parentId=${folder}`)).toEqual([sub, draft]);
    expect(await ids(creator.cookie, `?parentId=${sub}`)).toEqual([deep]);
    // Sharing is as it was.
    expect((await req('GET', `/api/items/${draft}`, other.cookie)).json().permission).toBe('view');
    expect(await ids(other.cookie, '?view=shared')).toEqual([folder]);
    expect(await ids(viewer.cookie, '?view=shared')).toEqual([deep]);
    // Restoring what is not in the trash changes nothing.
    expect((await restore(creator.cookie, folder)).statusCode).toBe(200);
  });

  it('keeps an earlier deletion inside a folder apart, and restores at the root when its folder is in the trash', async () => {
    const folder = await create(creator.cookie, 'folder', 'F');
    const a = await create(creator.cookie, 'draft', 'A', folder);
    const b = await create(creator.cookie, 'draft', 'B', folder);
    expect((await del(creator.cookie, a)).statusCode).toBe(204);
    app.clock.advance(1000);
    expect((await del(creator.cookie, folder)).statusCode).toBe(204);
    expect((await trash(creator.cookie)).map((i) => i.id)).toEqual([folder, a]);
    // The folder comes back with B, not with A (deleted on its own before).
    expect((await restore(creator.cookie, folder)).statusCode).toBe(200);
    expect(await ids(creator.cookie, `?parentId=${folder}`)).toEqual([b]);
    expect(await status('GET', `/api/items/${a}`, creator.cookie)).toBe(404);
    // A comes back into its folder, live again.
    expect((await restore(creator.cookie, a)).json()).toMatchObject({ parentId: folder });
    // Deleted again, then its folder: A restored alone goes to the root.
    await del(creator.cookie, a);
    await del(creator.cookie, folder);
    expect((await restore(creator.cookie, a)).json()).toMatchObject({ id: a, parentId: null });
    expect(await ids(creator.cookie)).toEqual([a]);
    expect(await status('GET', `/api/items/${b}`, creator.cookie)).toBe(404);
  });

  it('a trashed item is gone to every read, share and public path until restored', async () => {
    const folder = await create(creator.cookie, 'folder', 'Films');
    await req('PATCH', `/api/items/${folder}/access`, creator.cookie, {
      generalAccess: 'workspace',
      workspacePermission: 'view',
    });
    const { item, file } = await uploadedVideo(app, creator.cookie, ws.id, 'Launch');
    expect(
      (await req('PATCH', `/api/items/${item.id}`, creator.cookie, { parentId: folder })).statusCode,
    ).toBe(200);
    const track = await req('POST', `/api/items/${item.id}/captions`, creator.cookie, {
      language: 'en',
      label: 'English',
      vtt: VTT,
    });
    expect(track.statusCode, track.body).toBe(201);
    const trackId = track.json().id as string;
    const page = await req('PATCH', `/api/items/${item.id}/share-page`, creator.cookie, { published: true });
    expect(page.statusCode, page.body).toBe(200);
    const slug = page.json().slug as string;
    const key = await createApiKey(app, admin.cookie, ws.id);
    const bearer = (url: string) =>
      app.troupe.server.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key.key}` } });

    const reads = [
      `/api/items/${item.id}`,
      `/api/items/${item.id}/access`,
      `/api/items/${item.id}/file`,
      `/api/items/${item.id}/video`,
      `/api/items/${item.id}/share-page`,
      `/api/items/${item.id}/captions`,
      `/api/items/${item.id}/captions/${trackId}/vtt`,
      `/api/workspaces/${ws.id}/items?parentId=${folder}`,
    ];
    const publicPaths = [
      `/api/public/videos/${slug}`,
      `/api/public/videos/${slug}/file`,
      `/api/public/videos/${slug}/captions/${trackId}`,
      `/v/${slug}`,
      `/embed/${slug}`,
    ];
    const writes: [string, string, unknown][] = [
      ['PATCH', `/api/items/${item.id}`, { title: 'Renamed' }],
      ['PATCH', `/api/items/${item.id}/access`, { generalAccess: 'only_me' }],
      ['PUT', `/api/items/${item.id}/grants/${other.userId}`, { permission: 'view' }],
      ['PATCH', `/api/items/${item.id}/share-page`, { allowDownload: true }],
      ['POST', `/api/items/${item.id}/captions`, { language: 'fr', label: 'Français', vtt: VTT }],
      ['DELETE', `/api/items/${item.id}`, undefined],
      ['POST', `/api/workspaces/${ws.id}/items`, { kind: 'draft', title: 'In there', parentId: folder }],
    ];
    // Before: every path answers.
    for (const url of reads) expect(await status('GET', url, creator.cookie), url).not.toBe(404);
    for (const url of publicPaths) expect(await status('GET', url, null), url).toBe(200);
    expect((await bearer(`/api/items/${item.id}`)).statusCode).toBe(200);
    expect(await ids(other.cookie, `?parentId=${folder}`)).toEqual([item.id]);

    expect((await del(creator.cookie, folder)).statusCode).toBe(204);
    for (const who of [creator, admin, other]) {
      for (const url of reads) expect(await status('GET', url, who.cookie), url).toBe(404);
    }
    for (const url of publicPaths) expect(await status('GET', url, null), url).toBe(404);
    expect((await bearer(`/api/items/${item.id}`)).statusCode).toBe(404);
    for (const [method, url, body] of writes)
      expect(await status(method, url, creator.cookie, body), url).toBe(404);
    // Nothing can be moved into a trashed folder either.
    const outside = await create(creator.cookie, 'draft', 'Outside');
    expect(await status('PATCH', `/api/items/${outside}`, creator.cookie, { parentId: folder })).toBe(404);
    expect(await ids(admin.cookie)).toEqual([outside]);

    // Restoring brings every path back as it was: the public link too (same slug).
    expect((await restore(creator.cookie, folder)).statusCode).toBe(200);
    for (const url of reads) expect(await status('GET', url, creator.cookie), url).not.toBe(404);
    for (const url of publicPaths) expect(await status('GET', url, null), url).toBe(200);
    expect(await ids(other.cookie, `?parentId=${folder}`)).toEqual([item.id]);
    expect((await req('GET', `/api/items/${item.id}/video`, creator.cookie)).body).toContain(file.fileId);
  });

  it('a live item under a trashed folder (a create racing the deletion) is gone too, on every read path', async () => {
    const folder = await create(creator.cookie, 'folder', 'Racing');
    await req('PUT', `/api/items/${folder}/grants/${other.userId}`, creator.cookie, { permission: 'edit' });
    expect((await del(creator.cookie, folder)).statusCode).toBe(204);
    // As if a create in the folder had committed just after the deletion's recursive update.
    const now = app.clock.now();
    await app.troupe.data.db
      .insertInto('items')
      .values({
        id: 'racingchild01',
        workspace_id: ws.id,
        kind: 'draft',
        title: 'Late',
        kind_rank: 1,
        title_key: 'late',
        parent_id: folder,
        owner_id: other.userId,
        general_access: 'selected',
        workspace_permission: 'view',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await app.troupe.data.db
      .insertInto('item_grants')
      .values({
        item_id: 'racingchild01',
        user_id: viewer.userId,
        workspace_id: ws.id,
        permission: 'view',
        granted_by: other.userId,
        created_at: now,
      })
      .execute();
    expect(await ids(viewer.cookie, '?view=shared')).toEqual([]);
    const key = await createApiKey(app, admin.cookie, ws.id);
    for (const who of [other, creator, admin, viewer]) {
      expect(await status('GET', '/api/items/racingchild01', who.cookie)).toBe(404); // the one-query session read
      expect(await status('GET', '/api/items/racingchild01/access', who.cookie)).toBe(404); // the chain read
      expect(await status('POST', '/api/items/racingchild01/restore', who.cookie)).toBe(404);
    }
    const byKey = await app.troupe.server.inject({
      method: 'GET',
      url: '/api/items/racingchild01',
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(byKey.statusCode).toBe(404);
    expect(await ids(other.cookie, '?view=mine')).toEqual([]);
    // Restoring the folder brings it back with it.
    expect((await restore(creator.cookie, folder)).statusCode).toBe(200);
    expect(await status('GET', '/api/items/racingchild01', other.cookie)).toBe(200);
  });

  it('only who could delete an item may restore it or delete it for good; others get 403 or 404', async () => {
    const folder = await create(creator.cookie, 'folder', 'Team');
    await req('PUT', `/api/items/${folder}/grants/${viewer.userId}`, creator.cookie, { permission: 'edit' });
    await req('PUT', `/api/items/${folder}/grants/${other.userId}`, creator.cookie, { permission: 'view' });
    const draft = await create(creator.cookie, 'draft', 'Plan', folder);
    const editable = await create(creator.cookie, 'draft', 'Editable');
    await req('PUT', `/api/items/${editable}/grants/${other.userId}`, creator.cookie, { permission: 'edit' });

    // A Viewer (granted edit, capped at view) and a member with view cannot delete, nor restore.
    expect((await del(viewer.cookie, draft)).statusCode).toBe(403);
    expect((await del(other.cookie, draft)).statusCode).toBe(403);
    expect((await del(creator.cookie, folder)).statusCode).toBe(204);
    expect((await restore(viewer.cookie, folder)).statusCode).toBe(403);
    expect((await restore(other.cookie, folder)).statusCode).toBe(403);
    expect((await del(viewer.cookie, folder, true)).statusCode).toBe(403);
    expect((await del(other.cookie, folder, true)).statusCode).toBe(403);
    // Someone it was never shared with, and another workspace's member: 404, as for no such item.
    const stranger = await joinAs(app, admin.cookie, ws.id, 'creator', 'Sam Stranger');
    expect((await restore(stranger.cookie, folder)).statusCode).toBe(404);
    expect((await del(stranger.cookie, folder, true)).statusCode).toBe(404);
    const outsider = await signUp(app, { name: 'Olga Outsider' });
    await createWorkspace(app, outsider.cookie, 'Elsewhere');
    expect((await restore(outsider.cookie, folder)).statusCode).toBe(404);
    expect((await del(outsider.cookie, folder, true)).statusCode).toBe(404);
    expect(await status('GET', `/api/workspaces/${ws.id}/trash`, outsider.cookie)).toBe(404);
    expect(await trash(stranger.cookie)).toEqual([]);
    expect(await status('GET', `/api/items/${folder}`, creator.cookie)).toBe(404);

    // A member with edit access who deleted an item may restore it; so may its owner and a Super Admin.
    expect((await del(other.cookie, editable)).statusCode).toBe(204);
    expect((await trash(other.cookie)).map((i) => i.id)).toEqual([editable]);
    expect((await restore(other.cookie, editable)).statusCode).toBe(200);
    expect((await del(other.cookie, editable)).statusCode).toBe(204);
    expect((await restore(creator.cookie, editable)).statusCode).toBe(200);
    expect((await restore(admin.cookie, folder)).statusCode).toBe(200);
    // An API key acts as its owner: a Super Admin's key restores; nobody's key reaches another workspace.
    const key = await createApiKey(app, admin.cookie, ws.id);
    await del(creator.cookie, folder);
    const byKey = await app.troupe.server.inject({
      method: 'POST',
      url: `/api/items/${folder}/restore`,
      headers: { authorization: `Bearer ${key.key}` },
    });
    expect(byKey.statusCode, byKey.body).toBe(200);
  });

  it('a folder in the trash passes nothing down: an item deleted from it is restored by who may as it stands alone', async () => {
    const folder = await create(creator.cookie, 'folder', 'Team');
    await req('PUT', `/api/items/${folder}/grants/${other.userId}`, creator.cookie, { permission: 'edit' });
    const draft = await create(creator.cookie, 'draft', 'Plan', folder);
    // Otto's own grant on this one, and workspace-wide view on that one.
    const granted = await create(creator.cookie, 'draft', 'Granted', folder);
    await req('PUT', `/api/items/${granted}/grants/${other.userId}`, creator.cookie, { permission: 'edit' });
    const open = await create(creator.cookie, 'draft', 'Open', folder);
    await req('PATCH', `/api/items/${open}/access`, creator.cookie, { generalAccess: 'workspace' });
    for (const id of [draft, granted, open]) {
      expect((await req('DELETE', `/api/items/${id}`, other.cookie)).statusCode).toBe(204);
      app.clock.advance(10);
    }
    // While the folder is live, its grant lets Otto restore all three.
    expect((await trash(other.cookie)).map((i) => i.id)).toEqual([open, granted, draft]);
    app.clock.advance(1000);
    expect((await req('DELETE', `/api/items/${folder}`, creator.cookie)).statusCode).toBe(204);

    // Its folder in the trash, each would come back at the root: decided by the item alone. (The
    // folder itself, shared with him to edit, he may restore.)
    expect((await trash(other.cookie)).map((i) => i.id)).toEqual([folder, granted]);
    expect((await restore(other.cookie, draft)).statusCode).toBe(404); // hidden from him there
    expect((await restore(other.cookie, open)).statusCode).toBe(403); // he can view it there
    expect((await del(other.cookie, draft, true)).statusCode).toBe(404);
    expect((await del(other.cookie, open, true)).statusCode).toBe(403);
    const mine = await restore(other.cookie, granted);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ id: granted, parentId: null, permission: 'edit' });
    // The owner and Super Admins still may.
    expect((await trash(creator.cookie)).map((i) => i.id)).toEqual([folder, open, draft]);
    expect((await trash(admin.cookie)).map((i) => i.id)).toEqual([folder, open, draft]);
    const byOwner = await restore(creator.cookie, draft);
    expect(byOwner.statusCode, byOwner.body).toBe(200);
    expect(byOwner.json()).toMatchObject({ id: draft, parentId: null, permission: 'edit' });
    expect((await restore(admin.cookie, open)).json()).toMatchObject({ id: open, parentId: null });
    // The folder, restored, comes back without them (they are at the root now).
    expect((await restore(creator.cookie, folder)).statusCode).toBe(200);
    expect(await ids(creator.cookie, `?parentId=${folder}`)).toEqual([]);
  });

  /**
   * A folder's deletion (`deleteIt`) raced by a move of an outside item into it, a create in its
   * subfolder and `also` (sent first or last, under the workspace lock on PostgreSQL): the statuses
   * in that order, the deletion's first. Each went before the deletion (and went with the folder)
   * or after it (refused, 404); on PostgreSQL the order is the order sent.
   */
  const raceDeletion = async (
    order: 'first' | 'last',
    deleteIt: (folder: string) => Promise<{ statusCode: number }>,
    also: (folder: string) => Promise<(() => Promise<{ statusCode: number }>)[]> = async () => [],
  ) => {
    const folder = await create(creator.cookie, 'folder', 'Going');
    const inner = await create(creator.cookie, 'folder', 'Inner', folder);
    const outside = await create(creator.cookie, 'draft', 'Outside');
    const more = await also(folder);
    const others = [
      () => req('PATCH', `/api/items/${outside}`, creator.cookie, { parentId: folder }),
      () =>
        req('POST', `/api/workspaces/${ws.id}/items`, creator.cookie, {
          kind: 'draft',
          title: 'New',
          parentId: inner,
        }),
      ...more,
    ];
    const go = () => deleteIt(folder);
    const results = await raceUnderWorkspaceLock(
      app,
      ws.id,
      order === 'first' ? [go, ...others] : [...others, go],
    );
    const statuses = (order === 'first' ? results : [results.at(-1), ...results.slice(0, -1)]).map(
      (r) => r?.statusCode,
    );
    const [, moved, created] = statuses;
    expect([200, 404]).toContain(moved);
    expect([201, 404]).toContain(created);
    if (app.dialect === 'postgres') {
      expect([moved, created]).toEqual(order === 'first' ? [404, 404] : [200, 201]);
    }
    return { folder, inner, outside, statuses };
  };

  it.each(['first', 'last'] as const)(
    'moves, creates and restores racing a folder’s deletion (sent %s) leave nothing live inside it',
    async (order) => {
      const { folder, inner, outside, statuses } = await raceDeletion(
        order,
        (f) => del(creator.cookie, f),
        // An item deleted from the folder on its own earlier, restored during the race.
        async (f) => {
          const earlier = await create(creator.cookie, 'draft', 'Earlier', f);
          expect((await del(creator.cookie, earlier)).statusCode).toBe(204);
          app.clock.advance(1000);
          return [() => restore(creator.cookie, earlier)];
        },
      );
      const [trashed, moved, , restored] = statuses;
      expect(trashed).toBe(204);
      expect(restored).toBe(200);
      const strays = await app.troupe.data.db
        .selectFrom('items as i')
        .innerJoin('items as p', 'p.id', 'i.parent_id')
        .select(['i.title'])
        .where('i.workspace_id', '=', ws.id)
        .where('i.trashed_at', 'is', null)
        .where('p.trashed_at', 'is not', null)
        .execute();
      expect(strays).toEqual([]);
      // Restoring the folder brings back what went with it.
      expect((await restore(creator.cookie, folder)).statusCode).toBe(200);
      const back = await ids(creator.cookie, `?parentId=${folder}`);
      expect(back).toContain(inner);
      if (moved === 200) expect(back).toContain(outside);
    },
  );

  it.each(['first', 'last'] as const)(
    'a move and a create racing a folder’s deletion for good (sent %s) answer 200/201 or 404, never 500',
    async (order) => {
      // The deletion takes the tree's lock too, so the three run one after another. Without it this
      // still passes: the deletion and a move then lock the folder's row and the workspace's
      // crosswise, and PostgreSQL breaks the deadlock after a second and the loser runs again.
      const { outside, statuses } = await raceDeletion(order, (f) => del(creator.cookie, f, true));
      const [purged, moved] = statuses;
      expect(purged).toBe(204);
      const left = await app.troupe.data.db
        .selectFrom('items')
        .select('id')
        .where('workspace_id', '=', ws.id)
        .where('id', '=', outside)
        .execute();
      expect(left).toHaveLength(moved === 200 ? 0 : 1);
    },
  );

  it('someone outside the workspace who knows an item’s id locks nothing there (the gate refuses them first)', async () => {
    const item = await create(creator.cookie, 'draft', 'Private');
    const stranger = await signUp(app, { name: 'Sam Stranger' });
    await verifyEmail(app, stranger.userId);
    const tries = [
      () => req('POST', `/api/items/${item}/restore`, stranger.cookie),
      () => req('DELETE', `/api/items/${item}`, stranger.cookie),
      () => req('DELETE', `/api/items/${item}?permanent=true`, stranger.cookie),
      () => req('PATCH', `/api/items/${item}`, stranger.cookie, { parentId: null }),
    ];
    if (app.dialect !== 'postgres') {
      for (const t of tries) expect((await t()).statusCode).toBe(404);
      return;
    }
    // While a transaction of the workspace holds its lock, the stranger's calls answer at once.
    const holder = new pg.Client({ connectionString: app.config.databaseUrl as string });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM workspaces WHERE id = $1 FOR UPDATE', [ws.id]);
      for (const t of tries) {
        const res = await Promise.race([
          t(),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000)),
        ]);
        expect(res?.statusCode, 'answered while the workspace was locked').toBe(404);
      }
    } finally {
      await holder.query('COMMIT');
      await holder.end();
    }
  });

  it('delete forever removes the item, its contents, files and captions at once', async () => {
    const folder = await create(creator.cookie, 'folder', 'Old');
    const { item } = await uploadedVideo(app, creator.cookie, ws.id, 'Old cut');
    await req('PATCH', `/api/items/${item.id}`, creator.cookie, { parentId: folder });
    expect(storedFiles(app).some((f) => f.startsWith('videos/'))).toBe(true);
    await del(creator.cookie, folder);
    expect((await del(creator.cookie, item.id, true)).statusCode).toBe(404); // inside the deleted folder
    expect((await del(creator.cookie, folder, true)).statusCode).toBe(204);
    expect(await trash(creator.cookie)).toEqual([]);
    expect((await restore(creator.cookie, folder)).statusCode).toBe(404);
    await app.troupe.storageSweeper.runOnce();
    expect(storedFiles(app).filter((f) => !f.startsWith('.tmp'))).toEqual([]);
    const left = await app.troupe.data.db
      .selectFrom('items')
      .select('id')
      .where('workspace_id', '=', ws.id)
      .execute();
    expect(left).toEqual([]);
  });

  it('the purge job deletes what has been in the trash for more than 30 days, files and captions too', async () => {
    const folder = await create(creator.cookie, 'folder', 'Archive');
    const { item } = await uploadedVideo(app, creator.cookie, ws.id, 'Take 1');
    await req('PATCH', `/api/items/${item.id}`, creator.cookie, { parentId: folder });
    await req('POST', `/api/items/${item.id}/captions`, creator.cookie, {
      language: 'en',
      label: 'English',
      vtt: VTT,
    });
    const kept = await create(creator.cookie, 'draft', 'Kept');
    expect(storedFiles(app).some((f) => f.startsWith('videos/'))).toBe(true);
    await del(creator.cookie, folder);
    app.clock.advance(20 * DAY);
    const later = await create(creator.cookie, 'draft', 'Later');
    await del(creator.cookie, later);

    app.clock.advance(10 * DAY - 1);
    expect(await app.troupe.trashPurger.runOnce()).toBe(0);
    expect((await trash(creator.cookie)).map((i) => i.daysLeft)).toEqual([21, 1]);
    app.clock.advance(1);
    expect(await app.troupe.trashPurger.runOnce()).toBe(1);
    expect((await trash(creator.cookie)).map((i) => i.id)).toEqual([later]);
    await app.troupe.storageSweeper.runOnce();
    expect(storedFiles(app).filter((f) => !f.startsWith('.tmp'))).toEqual([]);
    const db = app.troupe.data.db;
    expect(await db.selectFrom('caption_tracks').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('video_files').select('item_id').execute()).toEqual([]);
    expect((await db.selectFrom('items').select('id').execute()).map((r) => r.id).sort()).toEqual(
      [kept, later].sort(),
    );
    expect((await restore(creator.cookie, folder)).statusCode).toBe(404);
    // Audited as Troupe's own deletion, with what the item was.
    const purges = await db
      .selectFrom('audit_events')
      .select(['actor_id', 'actor_label', 'target_id', 'target_label', 'before'])
      .where('workspace_id', '=', ws.id)
      .where('action', '=', 'item.purge')
      .execute();
    expect(purges).toHaveLength(1);
    expect(purges[0]).toMatchObject({
      actor_id: null,
      actor_label: 'Troupe',
      target_id: folder,
      target_label: 'Archive',
    });
    expect(JSON.parse(String(purges[0]?.before))).toMatchObject({
      kind: 'folder',
      trashed: true,
      trashDays: 30,
    });
    app.clock.advance(20 * DAY - 1);
    expect(await app.troupe.trashPurger.runOnce()).toBe(0);
    app.clock.advance(1);
    expect(await app.troupe.trashPurger.runOnce()).toBe(1);
    // (The session has lapsed by now: the database says what is left.)
    expect((await db.selectFrom('items').select('id').execute()).map((r) => r.id)).toEqual([kept]);
    expect(
      await db.selectFrom('audit_events').select('target_id').where('action', '=', 'item.purge').execute(),
    ).toHaveLength(2);
  });

  it('the purge deletes only what is still in the trash for 30 days: an item restored since it was listed stays, unaudited', async () => {
    const draft = await create(creator.cookie, 'draft', 'Second thoughts');
    await del(creator.cookie, draft);
    app.clock.advance(30 * DAY + 1);
    const expired = app.clock.now() - TRASH_MS;
    expect((await restore(creator.cookie, draft)).statusCode).toBe(200);
    const db = app.troupe.data.db;
    expect(await purgeTrashedItem(db, ws.id, draft, expired)).toBeNull();
    expect(await db.selectFrom('items').select('id').where('id', '=', draft).execute()).toHaveLength(1);
    await del(creator.cookie, draft);
    expect(await purgeTrashedItem(db, ws.id, draft, expired)).toBeNull(); // trashed again just now
    expect(await app.troupe.trashPurger.runOnce()).toBe(0);
    expect(
      await db.selectFrom('audit_events').select('id').where('action', '=', 'item.purge').execute(),
    ).toEqual([]);
  });

  it('library sections: mine, shared with me, workspace, each with the owner name', async () => {
    const mine = await create(creator.cookie, 'folder', 'My folder');
    const inMine = await create(creator.cookie, 'draft', 'In my folder', mine);
    const theirs = await create(other.cookie, 'folder', 'Their folder');
    await req('PUT', `/api/items/${theirs}/grants/${creator.userId}`, other.cookie, { permission: 'edit' });
    const mineInTheirs = await create(creator.cookie, 'draft', 'Mine in theirs', theirs);
    const open = await create(other.cookie, 'draft', 'Open to all');
    await req('PATCH', `/api/items/${open}/access`, other.cookie, { generalAccess: 'workspace' });

    const list = async (query: string) =>
      (await req('GET', `/api/workspaces/${ws.id}/items${query}`, creator.cookie)).json().items as {
        id: string;
        ownerName: string;
      }[];
    const mineList = await list('?view=mine');
    expect(mineList.map((i) => i.id)).toEqual([mine, mineInTheirs]);
    expect(mineList.map((i) => i.ownerName)).toEqual(['Cara Creator', 'Cara Creator']);
    expect((await list('?view=shared')).map((i) => [i.id, i.ownerName])).toEqual([[theirs, 'Otto Other']]);
    expect((await list('')).map((i) => [i.id, i.ownerName])).toEqual([
      [mine, 'Cara Creator'],
      [theirs, 'Otto Other'],
      [open, 'Otto Other'],
    ]);
    expect((await list(`?parentId=${mine}`)).map((i) => i.id)).toEqual([inMine]);
    // Another member's "mine" is theirs alone.
    expect(await ids(other.cookie, '?view=mine')).toEqual([theirs, open]);
    // Paging "mine" by date.
    const first = await req(
      'GET',
      `/api/workspaces/${ws.id}/items?view=mine&sort=date&limit=1`,
      creator.cookie,
    );
    expect(first.json().items.map((i: { id: string }) => i.id)).toEqual([mineInTheirs]);
    const second = await req(
      'GET',
      `/api/workspaces/${ws.id}/items?view=mine&sort=date&limit=1&cursor=${first.json().nextCursor}`,
      creator.cookie,
    );
    expect(second.json()).toMatchObject({ items: [{ id: mine }], nextCursor: null });
  });

  it('pages the trash, leaving out what the caller may not restore', async () => {
    const own: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await create(creator.cookie, 'draft', `Mine ${i}`);
      await del(creator.cookie, id);
      own.unshift(id);
      app.clock.advance(10);
      await del(other.cookie, await create(other.cookie, 'draft', `Theirs ${i}`));
      app.clock.advance(10);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await req(
        'GET',
        `/api/workspaces/${ws.id}/trash?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        creator.cookie,
      );
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...res.json().items.map((i: { id: string }) => i.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(own);
    expect((await trash(admin.cookie)).length).toBe(10);
  });

  it('table: deleting any item of a tree hides exactly its subtree; restoring brings exactly it back', async () => {
    // root0 / a / b / c, with siblings at every level.
    const tree: { id: string; parent: string | null }[] = [];
    let parent: string | null = null;
    for (let depth = 0; depth < 4; depth++) {
      const f = await create(creator.cookie, 'folder', `F${depth}`, parent ?? undefined);
      const d = await create(creator.cookie, 'draft', `D${depth}`, parent ?? undefined);
      tree.push({ id: f, parent }, { id: d, parent });
      parent = f;
    }
    const under = (id: string): string[] => [
      id,
      ...tree.filter((t) => t.parent === id).flatMap((t) => under(t.id)),
    ];
    const visible = async () => {
      const out: string[] = [];
      for (const t of tree)
        if ((await status('GET', `/api/items/${t.id}`, creator.cookie)) === 200) out.push(t.id);
      return out;
    };
    const all = tree.map((t) => t.id);
    for (const t of tree) {
      expect((await del(creator.cookie, t.id)).statusCode).toBe(204);
      const gone = new Set(under(t.id));
      expect(await visible()).toEqual(all.filter((id) => !gone.has(id)));
      expect((await restore(creator.cookie, t.id)).statusCode).toBe(200);
      expect(await visible()).toEqual(all);
    }
  });
});
