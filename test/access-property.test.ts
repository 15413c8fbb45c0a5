/**
 * The sharing engine held to a reference: for random workspaces (roles, folder trees up to depth 6,
 * grants, general access including only_me inside shared folders, moves), every member's
 * permission on every item, as the API reports it, equals a small evaluator written straight from
 * SPEC §5; and every listing holds exactly the items that evaluator lets the member view.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/contract/roles.ts';
import { newId } from '../src/data/ids.ts';
import { insertItem, kindRank, titleKey, upsertGrant } from '../src/data/items.repo.ts';
import { addMember, createWorkspace, dialects, signUp, startTestApp, type TestApp } from './harness.ts';

type Level = 'none' | 'view' | 'edit';
type Access = 'only_me' | 'selected' | 'workspace';
interface RefItem {
  id: string;
  kind: string;
  parent: RefItem | null;
  owner: string;
  access: Access;
  wsPerm: 'view' | 'edit';
}
interface World {
  members: Map<string, Role>;
  items: RefItem[];
  grants: Map<string, 'view' | 'edit'>; // `${itemId}|${userId}`
}

const order: Level[] = ['none', 'view', 'edit'];
const max = (a: Level, b: Level): Level => (order.indexOf(a) >= order.indexOf(b) ? a : b);

/** SPEC §5, rule by rule. */
function reference(w: World, user: string, item: RefItem): Level {
  const role = w.members.get(user);
  if (!role) return 'none'; // 1
  const cap = (l: Level): Level => (role === 'viewer' && l === 'edit' ? 'view' : l); // 5
  if (role === 'super_admin') return 'edit'; // 2
  if (item.owner === user) return cap('edit'); // 2
  if (item.access === 'only_me') return 'none'; // 3
  // 4: the item and the ancestors whose sharing reaches it, stopping at the nearest only_me ancestor,
  // whose ownership still counts.
  const flowing: RefItem[] = [item];
  let stop: RefItem | null = null;
  for (let p = item.parent; p; p = p.parent) {
    if (p.access === 'only_me') {
      stop = p;
      break;
    }
    flowing.push(p);
  }
  let level: Level = 'none';
  for (const x of flowing) {
    level = max(level, w.grants.get(`${x.id}|${user}`) ?? 'none');
    if (x.access === 'workspace') level = max(level, x.wsPerm);
    if (x !== item && x.owner === user) level = 'edit';
  }
  if (stop && stop.owner === user) level = 'edit';
  return cap(level);
}

const depthOf = (i: RefItem): number => (i.parent ? 1 + depthOf(i.parent) : 1);
const isUnder = (i: RefItem | null, anc: RefItem): boolean =>
  i ? i === anc || isUnder(i.parent, anc) : false;

const arbWorld = fc.record({
  roles: fc.array(
    fc.constantFrom<Role>('super_admin', 'developer', 'creator', 'viewer', 'viewer', 'creator'),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
  items: fc.array(
    fc.record({
      kind: fc.constantFrom('folder', 'folder', 'draft', 'video'),
      parent: fc.nat(20),
      owner: fc.nat(10),
      access: fc.constantFrom<Access>('only_me', 'selected', 'selected', 'workspace'),
      wsPerm: fc.constantFrom<'view' | 'edit'>('view', 'edit'),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  grants: fc.array(
    fc.record({ item: fc.nat(20), user: fc.nat(10), perm: fc.constantFrom<'view' | 'edit'>('view', 'edit') }),
    {
      maxLength: 14,
    },
  ),
  moves: fc.array(fc.record({ item: fc.nat(20), target: fc.nat(20) }), { maxLength: 3 }),
});

describe.each(dialects)('sharing engine = SPEC §5 reference on %s', (dialect) => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof signUp>>;
  const pool: Awaited<ReturnType<typeof signUp>>[] = [];
  beforeAll(async () => {
    app = await startTestApp(dialect);
    admin = await signUp(app, { name: 'Admin' });
    for (let i = 0; i < 4; i++) pool.push(await signUp(app, { name: `Person ${i}` }));
  });
  afterAll(async () => {
    await app.close();
  });

  it('agrees on every permission and every listing for 200 random workspaces', async () => {
    const db = app.troupe.data.db;
    const get = (url: string, cookie: string) => app.request({ method: 'GET', url, cookie });
    await fc.assert(
      fc.asyncProperty(arbWorld, async (spec) => {
        const ws = await createWorkspace(app, admin.cookie, 'Random');
        await db.updateTable('workspaces').set({ seat_limit: 10 }).where('id', '=', ws.id).execute();
        const people = [admin, ...pool.slice(0, spec.roles.length)];
        const world: World = {
          members: new Map([[admin.userId, 'super_admin']]),
          items: [],
          grants: new Map(),
        };
        for (const [i, role] of spec.roles.entries()) {
          const p = pool[i] as (typeof pool)[number];
          await addMember(app, ws.id, p, role);
          world.members.set(p.userId, role);
        }
        const now = Date.now();
        for (const s of spec.items) {
          const folders = world.items.filter((x) => x.kind === 'folder' && depthOf(x) < 6);
          const pick = s.parent % (folders.length + 1);
          const item: RefItem = {
            id: newId(now),
            kind: s.kind,
            parent: pick === 0 ? null : (folders[pick - 1] as RefItem),
            owner: (people[s.owner % people.length] as { userId: string }).userId,
            access: s.access,
            wsPerm: s.wsPerm,
          };
          world.items.push(item);
          await insertItem(db, {
            id: item.id,
            workspace_id: ws.id,
            kind: item.kind,
            title: `${item.kind} ${world.items.length}`,
            kind_rank: kindRank(item.kind),
            title_key: titleKey(`${item.kind} ${world.items.length}`),
            parent_id: item.parent?.id ?? null,
            owner_id: item.owner,
            general_access: item.access,
            workspace_permission: item.wsPerm,
            created_at: now,
            updated_at: now,
          });
        }
        for (const g of spec.grants) {
          const item = world.items[g.item % world.items.length] as RefItem;
          const user = (people[g.user % people.length] as { userId: string }).userId;
          world.grants.set(`${item.id}|${user}`, g.perm);
          await upsertGrant(
            db,
            {
              itemId: item.id,
              userId: user,
              workspaceId: ws.id,
              permission: g.perm,
              grantedBy: admin.userId,
            },
            now,
          );
        }
        // Moves through the API (as the Super Admin); the model follows the ones it accepts.
        for (const m of spec.moves) {
          const item = world.items[m.item % world.items.length] as RefItem;
          const folders = world.items.filter((x) => x.kind === 'folder');
          const pick = m.target % (folders.length + 1);
          const target = pick === 0 ? null : (folders[pick - 1] as RefItem);
          const res = await app.request({
            method: 'PATCH',
            url: `/api/items/${item.id}`,
            cookie: admin.cookie,
            body: { parentId: target?.id ?? null },
          });
          const cycle = target !== null && isUnder(target, item);
          expect(res.statusCode, res.body).toBe(cycle ? 400 : 200);
          if (!cycle) item.parent = target;
        }

        for (const person of people) {
          // Every item, one by one.
          for (const item of world.items) {
            const expected = reference(world, person.userId, item);
            const res = await get(`/api/items/${item.id}`, person.cookie);
            if (expected === 'none') expect(res.statusCode, `${item.id}`).toBe(404);
            else {
              expect(res.statusCode).toBe(200);
              expect(res.json().permission, `permission on ${item.id}`).toBe(expected);
              expect(res.json().abilities.edit).toBe(expected === 'edit');
            }
          }
          // Every listing: the root and each folder.
          const listing = async (query: string) => {
            const res = await get(`/api/workspaces/${ws.id}/items?limit=100${query}`, person.cookie);
            return res;
          };
          const rootRes = await listing('');
          const visible = (parent: RefItem | null) =>
            world.items.filter((x) => x.parent === parent && reference(world, person.userId, x) !== 'none');
          const asPairs = (items: { id: string; permission: string }[]) =>
            items.map((x) => `${x.id}:${x.permission}`).sort();
          const expectedPairs = (items: RefItem[]) =>
            items.map((x) => `${x.id}:${reference(world, person.userId, x)}`).sort();
          expect(asPairs(rootRes.json().items)).toEqual(expectedPairs(visible(null)));
          for (const folder of world.items.filter((x) => x.kind === 'folder')) {
            const res = await listing(`&parentId=${folder.id}`);
            if (reference(world, person.userId, folder) === 'none') expect(res.statusCode).toBe(404);
            else expect(asPairs(res.json().items)).toEqual(expectedPairs(visible(folder)));
          }
          // Shared with me: items shared directly with them by others, which they can view.
          const shared = await listing('&view=shared');
          const expectedShared = world.items.filter(
            (x) =>
              world.grants.has(`${x.id}|${person.userId}`) &&
              x.owner !== person.userId &&
              x.access !== 'only_me',
          );
          expect(asPairs(shared.json().items)).toEqual(expectedPairs(expectedShared));
        }
      }),
      { numRuns: 200, endOnFailure: true },
    );
  }, 600_000);
});
