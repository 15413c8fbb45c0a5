import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dialects, joinAs, useAdminWorkspace } from './harness.ts';

interface Listed {
  id: string;
  title: string;
  permission: string;
  ownerName?: string;
}
interface Listing {
  items: Listed[];
  nextCursor: string | null;
}

/**
 * Item listings (a folder, the root, shared with me, mine) are served from a cache keyed by the
 * workspace's items version, which database triggers bump with every change to items and members'
 * names (src/app/items/list-items.ts, migration 0044), by its grants version where a grant can
 * change the listing (migration 0047), and by the caller and their role. These tests prove the
 * cache is really used, that every kind of change reaches the very next read, that a share leaves
 * the listings it cannot change cached, and that it never lets anyone see what the gate refuses.
 */
describe.each(dialects)('item listing cache on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect, { seats: 20 });

  const req = (method: string, url: string, cookie: string, body?: unknown) =>
    fx.app.request({ method, url, cookie, body });
  const list = async (cookie: string, query = ''): Promise<Listing> => {
    const res = await req('GET', `/api/workspaces/${fx.ws.id}/items${query}`, cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return res.json();
  };
  const create = async (body: Record<string, unknown>, cookie = fx.admin.cookie) => {
    const res = await req('POST', `/api/workspaces/${fx.ws.id}/items`, cookie, body);
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; title: string };
  };
  const ok = async (method: string, url: string, cookie: string, body?: unknown) => {
    const res = await req(method, url, cookie, body);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res;
  };
  const versionOf = async (column: 'items_version' | 'grants_version') =>
    Number(
      (
        await fx.app.troupe.data.db
          .selectFrom('workspaces')
          .select(column)
          .where('id', '=', fx.ws.id)
          .executeTakeFirstOrThrow()
      )[column],
    );
  const version = () => versionOf('items_version');
  const grantsVersion = () => versionOf('grants_version');
  const titles = (l: Listing) => l.items.map((i) => i.title);
  const find = (l: Listing, id: string) => l.items.find((i) => i.id === id);

  it('serves the stored listing while the items version is unchanged (the cache is really used)', async () => {
    const folder = await create({ kind: 'folder', title: 'Cached folder' });
    const draft = await create({ kind: 'draft', title: 'Original', parentId: folder.id });
    const query = `?parentId=${folder.id}`;
    const first = await list(fx.admin.cookie, query);
    expect(titles(first)).toEqual(['Original']);
    const v = await version();
    expect(await list(fx.admin.cookie, query)).toEqual(first);
    expect(await version()).toBe(v); // reads do not bump it
    // A change made behind the triggers' back (the version put back by hand) is not seen: the
    // listing came from the cache. Every real change bumps the version (next tests).
    await fx.app.troupe.data.db
      .updateTable('items')
      .set({ title: 'Sneaky' })
      .where('id', '=', draft.id)
      .execute();
    expect(await version()).toBe(v + 1);
    await fx.app.troupe.data.db
      .updateTable('workspaces')
      .set({ items_version: v })
      .where('id', '=', fx.ws.id)
      .execute();
    expect(titles(await list(fx.admin.cookie, query))).toEqual(['Original']);
    // Another page of the same folder (another limit) is computed afresh: it sees the row as it is.
    expect(titles(await list(fx.admin.cookie, `${query}&limit=1`))).toEqual(['Sneaky']);
  });

  it('shows every change to items at the next read: create, rename, move, trash, restore', async () => {
    const folder = await create({ kind: 'folder', title: 'Projects' });
    const other = await create({ kind: 'folder', title: 'Elsewhere' });
    const query = `?parentId=${folder.id}`;
    expect(titles(await list(fx.admin.cookie, query))).toEqual([]);
    const a = await create({ kind: 'draft', title: 'Alpha', parentId: folder.id });
    expect(titles(await list(fx.admin.cookie, query))).toEqual(['Alpha']);
    await ok('PATCH', `/api/items/${a.id}`, fx.admin.cookie, { title: 'Beta' });
    expect(titles(await list(fx.admin.cookie, query))).toEqual(['Beta']);
    await ok('PATCH', `/api/items/${a.id}`, fx.admin.cookie, { parentId: other.id });
    expect(titles(await list(fx.admin.cookie, query))).toEqual([]);
    expect(titles(await list(fx.admin.cookie, `?parentId=${other.id}`))).toEqual(['Beta']);
    await ok('DELETE', `/api/items/${a.id}`, fx.admin.cookie);
    expect(titles(await list(fx.admin.cookie, `?parentId=${other.id}`))).toEqual([]);
    await ok('POST', `/api/items/${a.id}/restore`, fx.admin.cookie, {});
    expect(titles(await list(fx.admin.cookie, `?parentId=${other.id}`))).toEqual(['Beta']);
  });

  it('takes access away at the next read: a grant removed, general access narrowed, a role lowered', async () => {
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Mina');
    const shared = await create({ kind: 'draft', title: 'For Mina' });
    const open = await create({ kind: 'draft', title: 'Open to all' });
    await ok('PATCH', `/api/items/${open.id}/access`, fx.admin.cookie, {
      generalAccess: 'workspace',
      workspacePermission: 'edit',
    });
    await ok('PUT', `/api/items/${shared.id}/grants/${member.userId}`, fx.admin.cookie, {
      permission: 'edit',
    });

    const sharedView = '?view=shared';
    expect(find(await list(member.cookie, sharedView), shared.id)?.permission).toBe('edit');
    expect(find(await list(member.cookie), open.id)?.permission).toBe('edit');
    // Cached now; each change below must reach the next read all the same.
    await ok('PUT', `/api/items/${shared.id}/grants/${member.userId}`, fx.admin.cookie, {
      permission: 'view',
    });
    expect(find(await list(member.cookie, sharedView), shared.id)?.permission).toBe('view');
    await ok('DELETE', `/api/items/${shared.id}/grants/${member.userId}`, fx.admin.cookie);
    expect(find(await list(member.cookie, sharedView), shared.id)).toBeUndefined();

    // A lower role: the same version, another key (the role the gate gave is part of it).
    const before = await version();
    await ok('PATCH', `/api/workspaces/${fx.ws.id}/members/${member.userId}`, fx.admin.cookie, {
      role: 'viewer',
    });
    expect(await version()).toBe(before);
    expect(find(await list(member.cookie), open.id)?.permission).toBe('view');

    await ok('PATCH', `/api/items/${open.id}/access`, fx.admin.cookie, { generalAccess: 'only_me' });
    expect(find(await list(member.cookie), open.id)).toBeUndefined();
  });

  it('never serves a cached listing to a caller the gate refuses', async () => {
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Leaving');
    const folder = await create({ kind: 'folder', title: 'Team folder' });
    await ok('PATCH', `/api/items/${folder.id}/access`, fx.admin.cookie, { generalAccess: 'workspace' });
    const query = `?parentId=${folder.id}`;
    await list(member.cookie, query);
    await list(member.cookie);
    await ok('DELETE', `/api/workspaces/${fx.ws.id}/members/${member.userId}`, fx.admin.cookie);
    // No longer a member: the workspace is not theirs to see (404), cached listings or not.
    const root = await req('GET', `/api/workspaces/${fx.ws.id}/items`, member.cookie);
    expect(root.statusCode).toBe(404);
    const inFolder = await req('GET', `/api/workspaces/${fx.ws.id}/items${query}`, member.cookie);
    expect(inFolder.statusCode).toBe(404);
    // A folder closed to a member: refused (404, as the item read), never a page kept for another caller.
    const admins = await create({ kind: 'folder', title: 'Admins only' });
    await ok('PATCH', `/api/items/${admins.id}/access`, fx.admin.cookie, { generalAccess: 'only_me' });
    const viewer = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'viewer', 'Vera');
    await list(fx.admin.cookie, `?parentId=${admins.id}`);
    const closed = await req('GET', `/api/workspaces/${fx.ws.id}/items?parentId=${admins.id}`, viewer.cookie);
    expect(closed.statusCode).toBe(404);
  });

  it("leaves a Super Admin's folders and everyone's My library cached through a share; the grantee sees it at once", async () => {
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Grace');
    const folder = await create({ kind: 'folder', title: 'Shared from here' });
    const draft = await create({ kind: 'draft', title: 'Original', parentId: folder.id });
    const own = await create({ kind: 'draft', title: 'Mine as it was' }, member.cookie);
    const inFolder = `?parentId=${folder.id}`;
    expect(titles(await list(fx.admin.cookie, inFolder))).toEqual(['Original']);
    expect(titles(await list(fx.admin.cookie))).toContain('Shared from here');
    expect(titles(await list(member.cookie, '?view=mine'))).toEqual(['Mine as it was']);
    expect(titles(await list(member.cookie, '?view=shared'))).toEqual([]);
    // Changes behind the triggers' back (the items version put back by hand): a listing that is
    // built again shows them, one served from the cache does not.
    const db = fx.app.troupe.data.db;
    const v = await version();
    await db.updateTable('items').set({ title: 'Sneaky' }).where('id', '=', draft.id).execute();
    await db.updateTable('items').set({ title: 'Sneaky mine' }).where('id', '=', own.id).execute();
    await db.updateTable('workspaces').set({ items_version: v }).where('id', '=', fx.ws.id).execute();

    const g = await grantsVersion();
    await ok('PUT', `/api/items/${draft.id}/grants/${member.userId}`, fx.admin.cookie, {
      permission: 'edit',
    });
    expect(await grantsVersion()).toBe(g + 1);
    expect(await version()).toBe(v);
    // The Super Admin's folder and root, and the member's My library: a grant cannot change them.
    expect(titles(await list(fx.admin.cookie, inFolder))).toEqual(['Original']);
    expect(titles(await list(member.cookie, '?view=mine'))).toEqual(['Mine as it was']);
    // The grantee's Shared with me is built again: the new share, as it is now.
    const shared = await list(member.cookie, '?view=shared');
    expect(titles(shared)).toEqual(['Sneaky']);
    expect(find(shared, draft.id)?.permission).toBe('edit');
  });

  it("shows a new grant at the next read in the grantee's root and in a Super Admin's Shared with me", async () => {
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Hugo');
    const forMember = await create({ kind: 'draft', title: 'Root draft for Hugo' });
    expect(find(await list(member.cookie), forMember.id)).toBeUndefined();
    await ok('PUT', `/api/items/${forMember.id}/grants/${member.userId}`, fx.admin.cookie, {
      permission: 'view',
    });
    expect(find(await list(member.cookie), forMember.id)?.permission).toBe('view');

    // A Super Admin sees everything in the folders, but Shared with me lists what was shared with them.
    const fromMember = await create({ kind: 'draft', title: 'From Hugo' }, member.cookie);
    expect(find(await list(fx.admin.cookie, '?view=shared'), fromMember.id)).toBeUndefined();
    await ok('PUT', `/api/items/${fromMember.id}/grants/${fx.admin.userId}`, member.cookie, {
      permission: 'view',
    });
    expect(find(await list(fx.admin.cookie, '?view=shared'), fromMember.id)).toBeDefined();
  });

  it("takes a removed grant away at the next read in the grantee's root and folders", async () => {
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Ines');
    const folder = await create({ kind: 'folder', title: 'Folder for Ines' });
    const inside = await create({ kind: 'draft', title: 'Inside it', parentId: folder.id });
    await ok('PUT', `/api/items/${folder.id}/grants/${member.userId}`, fx.admin.cookie, {
      permission: 'edit',
    });
    const inFolder = `?parentId=${folder.id}`;
    // Read (and so cached) while the grant stands.
    expect(find(await list(member.cookie), folder.id)?.permission).toBe('edit');
    expect(find(await list(member.cookie, inFolder), inside.id)?.permission).toBe('edit');
    await ok('DELETE', `/api/items/${folder.id}/grants/${member.userId}`, fx.admin.cookie);
    expect(find(await list(member.cookie), folder.id)).toBeUndefined();
    const closed = await req('GET', `/api/workspaces/${fx.ws.id}/items${inFolder}`, member.cookie);
    expect(closed.statusCode).toBe(404);
  });

  it("shows an owner's new name at the next read", async () => {
    const member = await joinAs(fx.app, fx.admin.cookie, fx.ws.id, 'creator', 'Old Name');
    const draft = await create({ kind: 'draft', title: 'By the member' }, member.cookie);
    expect(find(await list(fx.admin.cookie), draft.id)?.ownerName).toBe('Old Name');
    await ok('PATCH', '/api/account', member.cookie, { name: 'New Name' });
    expect(find(await list(fx.admin.cookie), draft.id)?.ownerName).toBe('New Name');
  });

  it.skipIf(dialect === 'sqlite')(
    'PostgreSQL: bumps the versions at commit, once per transaction, and leaves the workspace row unlocked until then',
    async () => {
      const db = fx.app.troupe.data.db;
      const a = await create({ kind: 'draft', title: 'Bulk A' });
      const b = await create({ kind: 'draft', title: 'Bulk B' });
      const before = await version();
      const grantsBefore = await grantsVersion();
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('items')
          .set({ updated_at: Date.now() })
          .where('workspace_id', '=', fx.ws.id)
          .where('id', 'in', [a.id, b.id])
          .execute();
        await tx
          .insertInto('item_grants')
          .values({
            item_id: a.id,
            user_id: fx.admin.userId,
            workspace_id: fx.ws.id,
            permission: 'view',
            granted_by: fx.admin.userId,
            created_at: Date.now(),
          })
          .execute();
        // Another connection: not bumped yet, and the row is free for another writer's bump (an
        // UPDATE of the version takes FOR NO KEY UPDATE; NOWAIT fails with 55P03 when the row is
        // held. The grant's foreign key holds only FOR KEY SHARE, which does not conflict).
        expect(await version()).toBe(before);
        expect(await grantsVersion()).toBe(grantsBefore);
        const locked =
          await sql`SELECT id FROM workspaces WHERE id = ${fx.ws.id} FOR NO KEY UPDATE NOWAIT`.execute(db);
        expect(locked.rows).toHaveLength(1);
      });
      expect(await version()).toBe(before + 1);
      expect(await grantsVersion()).toBe(grantsBefore + 1);
      // A transaction that rolls back bumps nothing.
      await expect(
        db.transaction().execute(async (tx) => {
          await tx.updateTable('items').set({ title: 'Never' }).where('id', '=', a.id).execute();
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await version()).toBe(before + 1);
    },
  );
});
