/**
 * Members search by index (issue 12, migration 0030): a search term of 3+ characters reads only the
 * rows that contain it (FTS5 `trigram` on SQLite, pg_trgm GIN on PostgreSQL), and finds exactly
 * what the documented rule says: any part of the display name or the email, case-insensitively.
 * Every result here is compared with a brute-force filter over the workspace's rows.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/data/ids.ts';
import {
  explainMembersView,
  gramPhrase,
  listMembersView,
  MIN_INDEXED_TERM,
  SHORT_PROBE_CAP,
  SHORT_WALK_BUDGET,
  WALK_BUDGET,
} from '../src/data/members.repo.ts';
import { migrateToLatest } from '../src/data/migrations.ts';
import { MEMBERS_SEARCH_RANGE } from '../src/data/schema.ts';
import { JOIN_REQUEST_TTL_MS, sortKey } from '../src/domain/members.ts';
import {
  addMember,
  createWorkspace,
  dialects,
  invite,
  signUp,
  type TestApp,
  useAdminWorkspace,
} from './harness.ts';

interface Person {
  name: string;
  email: string;
}

/** Users straight into Better Auth's table, stored as a sign-up stores them (as bench/members-data.ts does). */
async function insertUsers(app: TestApp, people: Person[]): Promise<string[]> {
  const now = app.clock.now();
  const at = app.dialect === 'sqlite' ? new Date(now).toISOString() : new Date(now);
  const rows = people.map((p) => ({
    id: randomBytes(16).toString('hex'),
    name: p.name,
    email: p.email,
    emailVerified: app.dialect === 'sqlite' ? 1 : true,
    image: null,
    createdAt: at,
    updatedAt: at,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await app.troupe.data.db
      .insertInto('user')
      .values(rows.slice(i, i + 500))
      .execute();
  return rows.map((r) => r.id);
}

/** Members straight into the table (the index is kept by triggers, whatever writes the rows). */
async function insertMembers(app: TestApp, workspaceId: string, people: Person[]): Promise<string[]> {
  const ids = await insertUsers(app, people);
  const rows = people.map((p, i) => ({
    workspace_id: workspaceId,
    user_id: ids[i] as string,
    role: 'viewer',
    email: p.email,
    name: p.name,
    sort_key: sortKey(p.name, p.email),
    created_at: app.clock.now(),
  }));
  const db = app.troupe.data.db;
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('memberships')
      .values(rows.slice(i, i + 500))
      .execute();
  await db
    .updateTable('workspaces')
    .set({ seat_limit: sql`seat_limit + ${rows.length}`, seats_used: sql`seats_used + ${rows.length}` })
    .where('id', '=', workspaceId)
    .execute();
  return ids;
}

async function insertJoinRequest(
  app: TestApp,
  workspaceId: string,
  p: Person,
  opts: { status?: 'pending' | 'denied'; expiresAt?: number } = {},
): Promise<string> {
  const [userId] = await insertUsers(app, [p]);
  const id = newId(app.clock.now());
  await app.troupe.data.db
    .insertInto('join_requests')
    .values({
      id,
      workspace_id: workspaceId,
      user_id: userId as string,
      email: p.email,
      name: p.name,
      sort_key: sortKey(p.name, p.email),
      role: 'viewer',
      status: opts.status ?? 'pending',
      decided_by: null,
      decided_at: null,
      created_at: app.clock.now(),
      expires_at: opts.expiresAt ?? app.clock.now() + JOIN_REQUEST_TTL_MS,
    })
    .execute();
  return id;
}

/** What the members view must show for `q` (docs/RULES.md), computed from the rows themselves. */
async function bruteForce(
  app: TestApp,
  workspaceId: string,
  q: string,
  membersOnly = false,
): Promise<string[]> {
  const term = q.trim().toLowerCase();
  const db = app.troupe.data.db;
  const now = app.clock.now();
  const hit = (...texts: string[]) => texts.some((t) => t.includes(term));
  const members = await db
    .selectFrom('memberships')
    .select(['user_id', 'sort_key', 'email'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  const out = members.filter((m) => hit(m.sort_key, m.email)).map((m) => `m:${m.user_id}`);
  if (membersOnly) return out.sort();
  const invitations = await db
    .selectFrom('invitations')
    .select(['id', 'email', 'status'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  out.push(...invitations.filter((i) => i.status === 'pending' && hit(i.email)).map((i) => `i:${i.id}`));
  const requests = await db
    .selectFrom('join_requests')
    .select(['id', 'email', 'sort_key', 'status', 'expires_at'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  out.push(
    ...requests
      .filter((r) => r.status === 'pending' && r.expires_at > now && hit(r.sort_key, r.email))
      .map((r) => `r:${r.id}`),
  );
  return out.sort();
}

interface Row {
  userId?: string;
  invitationId?: string;
  joinRequestId?: string;
}
const rowKey = (r: Row) =>
  r.userId ? `m:${r.userId}` : r.invitationId ? `i:${r.invitationId}` : `r:${r.joinRequestId}`;

/** Every row the API returns for `q`, following the cursor (pages of `limit`). */
async function search(app: TestApp, cookie: string, workspaceId: string, q: string, limit = 100) {
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/workspaces/${workspaceId}/members?limit=${limit}&q=${encodeURIComponent(q)}${
      cursor ? `&cursor=${cursor}` : ''
    }`;
    const res = await app.request({ method: 'GET', url, cookie });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    const page = res.json() as { members: Row[]; nextCursor: string | null };
    keys.push(...page.members.map(rowKey));
    cursor = page.nextCursor;
  } while (cursor);
  expect(new Set(keys).size, `no row twice for ${JSON.stringify(q)}`).toBe(keys.length);
  return keys.sort();
}

const TRICKY: Person[] = [
  { name: 'Ann Smith', email: 'ann.smith+tag@example.com' },
  { name: 'ANNA KARENINA', email: 'anna.k@example.org' },
  { name: 'Zoë Ångström', email: 'zoe@example.com' },
  { name: 'Zoe\u0308 Decomposed', email: 'zoe.nfd@example.com' },
  { name: "Seán O'Brien", email: 'sean.obrien@example.ie' },
  { name: 'Percent 50% Off', email: 'pct@example.com' },
  { name: 'Under_Score', email: 'under_score@example.com' },
  { name: 'Back\\slash', email: 'bs@example.com' },
  { name: 'Quote "Q" Person', email: 'q@example.com' },
  { name: '日本語 名前', email: 'nihon@example.jp' },
  { name: 'İstanbul Kişi', email: 'kisi@example.tr' },
  { name: 'Straẞe Groß', email: 'gross@example.de' },
  { name: 'Emoji 🎉 Fan', email: 'party@example.com' },
  { name: '   ', email: 'nameless.person@example.com' },
  { name: 'Plain xyzMIDxyz Middle', email: 'middle@example.com' },
  { name: 'a+b Plus', email: 'a+b@example.com' },
  { name: 'Star * Glob ? [x]', email: 'glob@example.com' },
];

/** Terms of 1-2 characters (no trigram: the gram table), checked after every change. */
const SHORT_TERMS = ['o', 'ne', 'ro', 'ca', 'e.', '@', 'x'];

const TERMS = [
  // Found by the index in one kind of row only (a request, an invitation), and in none.
  'requester',
  'ann.invite',
  'qzxq',
  'ann',
  'ANN',
  'Ann Smith',
  'n s',
  'smith+t',
  '+tag',
  '+',
  '@example.com',
  '.com',
  'example',
  'zoë',
  'ZOË',
  'zoe',
  'ångs',
  'ÅNGSTRÖM',
  'e\u0308 d',
  "o'br",
  "'",
  '"q"',
  '"',
  '%',
  '50%',
  '50% off',
  '_',
  'under_',
  'r_s',
  '\\',
  'back\\s',
  '日本',
  '日本語',
  '本語 名',
  'i̇st',
  'İSTANBUL',
  'istanbul',
  'ß',
  'groß',
  'GROSS',
  '🎉',
  '🎉 f',
  'xyzmid',
  'midxyz',
  'mid',
  'zz',
  'a',
  'q',
  'nope-not-there',
  'ann.invite',
  'requester',
  'ann requester',
  'ann other',
  'other',
  'expired',
  'denied',
  'nameless',
  '* g',
  '? [x]',
  '[x]',
  '*',
  'a+b',
  'invited_',
  '  ann  ',
];

describe.each(dialects)('members search by index on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);

  async function trickyWorkspace() {
    const app = fx.app;
    await insertMembers(app, fx.ws.id, TRICKY);
    await insertJoinRequest(app, fx.ws.id, { name: 'Ann Requester', email: 'req@example.com' });
    await insertJoinRequest(
      app,
      fx.ws.id,
      { name: 'Ann Expired', email: 'expired@example.com' },
      {
        expiresAt: app.clock.now() - 1,
      },
    );
    await insertJoinRequest(
      app,
      fx.ws.id,
      { name: 'Ann Denied', email: 'denied@example.com' },
      {
        status: 'denied',
      },
    );
    const res = await invite(app, fx.admin.cookie, fx.ws.id, [
      'ann.invite@example.com',
      'invited_under@example.com',
      'inv+one@example.com',
    ]);
    expect(res.statusCode).toBe(201);
    // Another workspace whose rows match most terms: none of them may ever appear.
    const otherAdmin = await signUp(app, { name: 'Ann Other Admin' });
    const other = await createWorkspace(app, otherAdmin.cookie, 'Elsewhere');
    await insertMembers(app, other.id, [
      { name: 'Ann Other', email: 'ann.other+tag@example.com' },
      ...TRICKY.map((p) => ({ name: p.name, email: `other.${p.email}` })),
    ]);
    await insertJoinRequest(app, other.id, { name: 'Ann Requester Other', email: 'req.other@example.com' });
    return { other, otherAdmin };
  }

  it('finds exactly what a brute-force filter finds, for tricky terms, in this workspace only', async () => {
    const { other } = await trickyWorkspace();
    const viewer = await signUp(fx.app, { name: 'Vera Viewer' });
    await addMember(fx.app, fx.ws.id, { ...viewer, name: 'Vera Viewer' }, 'viewer');
    for (const q of TERMS) {
      const expected = await bruteForce(fx.app, fx.ws.id, q);
      expect(await search(fx.app, fx.admin.cookie, fx.ws.id, q), `admin, q=${JSON.stringify(q)}`).toEqual(
        expected,
      );
      // Pages of 2: the cursor works within a search, whichever way the rows are found.
      expect(
        await search(fx.app, fx.admin.cookie, fx.ws.id, q, 2),
        `pages of 2, q=${JSON.stringify(q)}`,
      ).toEqual(expected);
      // Members only for someone who is not a Super Admin.
      expect(await search(fx.app, viewer.cookie, fx.ws.id, q), `viewer, q=${JSON.stringify(q)}`).toEqual(
        await bruteForce(fx.app, fx.ws.id, q, true),
      );
    }
    // The test is not empty: the terms hit members, invitations and requests, and miss others.
    expect(await bruteForce(fx.app, fx.ws.id, 'ann')).toHaveLength(4); // Ann Smith, Anna, the request, the invitation
    expect(await bruteForce(fx.app, fx.ws.id, '50%')).toHaveLength(1);
    expect(await bruteForce(fx.app, fx.ws.id, 'zz')).toHaveLength(0);
    expect((await bruteForce(fx.app, fx.ws.id, 'requester')).map((r) => r.slice(0, 2))).toEqual(['r:']);
    expect((await bruteForce(fx.app, fx.ws.id, 'ann.invite')).map((r) => r.slice(0, 2))).toEqual(['i:']);
    // A term only the other workspace's rows contain finds nothing here, and them there.
    expect(await search(fx.app, fx.admin.cookie, fx.ws.id, 'ann other')).toEqual([]);
    expect(await bruteForce(fx.app, other.id, 'ann other')).toHaveLength(2);
  });

  it('indexes the rows that were there before the migration (backfill)', async () => {
    await trickyWorkspace();
    const db = fx.app.troupe.data.db;
    // Back to the schema before 0030, with every row still there, then migrate again.
    if (dialect === 'sqlite') {
      for (const table of ['memberships', 'invitations', 'join_requests'])
        for (const op of ['insert', 'update', 'delete'])
          await sql.raw(`DROP TRIGGER ${table}_search_${op}`).execute(db);
      await sql`DROP TABLE members_search`.execute(db);
      await sql`DROP TABLE members_search_rows`.execute(db);
      await sql`DROP TABLE members_grams_fts`.execute(db);
      await sql`DROP TABLE members_gram_positions`.execute(db);
      await sql`DROP TRIGGER workspaces_search_space`.execute(db);
      await sql`DROP TABLE members_search_spaces`.execute(db);
    } else {
      for (const table of ['memberships', 'invitations', 'join_requests'])
        await sql.raw(`DROP INDEX ${table}_search_idx`).execute(db);
      await sql`DROP TRIGGER memberships_grams ON memberships`.execute(db);
      await sql`DROP FUNCTION memberships_grams()`.execute(db);
      await sql`DROP FUNCTION members_grams_of(text, text)`.execute(db);
      await sql`DROP TABLE members_grams`.execute(db);
    }
    await sql`DELETE FROM troupe_migrations WHERE name IN ('0030_members_search', '0043_members_grams', '0050_members_grams_fts', '0051_members_search_ranges')`.execute(
      db,
    );
    await migrateToLatest(db);
    if (dialect === 'sqlite') {
      const n = await db
        .selectFrom('members_search_rows')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      // 17 + admin here, 18 + admin there; 3 invitations; 2 pending requests (the lapsed one is still pending).
      expect(Number(n.n)).toBe(18 + 19 + 3 + 3);
    }
    for (const q of [
      'ann',
      'smith+t',
      '50%',
      '日本語',
      'nope-not-there',
      'inv+one',
      'requester',
      'an',
      'q',
      '日',
      '%',
      'ex',
    ])
      expect(await search(fx.app, fx.admin.cookie, fx.ws.id, q), q).toEqual(
        await bruteForce(fx.app, fx.ws.id, q),
      );
  });

  it('follows every change: renames, email changes, removals, revoked invitations, decided requests', async () => {
    const cookie = fx.admin.cookie;
    /** The page for a term, checked first against a brute-force filter for short terms (the gram table). */
    const q = async (term: string) => {
      for (const short of SHORT_TERMS)
        expect(await search(fx.app, cookie, fx.ws.id, short), `q=${short}`).toEqual(
          await bruteForce(fx.app, fx.ws.id, short),
        );
      return search(fx.app, cookie, fx.ws.id, term);
    };
    const bob = await signUp(fx.app, { name: 'Bob Oldname' });
    await addMember(fx.app, fx.ws.id, { ...bob, name: 'Bob Oldname' }, 'viewer');
    expect(await q('oldname')).toEqual([`m:${bob.userId}`]);

    // A rename (Better Auth's update-user, refreshed into the memberships by the hook).
    const renamed = await fx.app.request({
      method: 'POST',
      url: '/api/auth/update-user',
      cookie: bob.cookie,
      body: { name: 'Robert Newname' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(await q('oldname')).toEqual([]);
    expect(await q('newname')).toEqual([`m:${bob.userId}`]);
    expect(await q('robert new')).toEqual([`m:${bob.userId}`]);

    // A role change leaves the row findable.
    const patched = await fx.app.request({
      method: 'PATCH',
      url: `/api/workspaces/${fx.ws.id}/members/${bob.userId}`,
      cookie,
      body: { role: 'creator' },
    });
    expect(patched.statusCode).toBe(200);
    expect(await q('newname')).toEqual([`m:${bob.userId}`]);

    // An email change of the stored copy (no route changes it today; the triggers must not care who writes).
    await fx.app.troupe.data.db
      .updateTable('memberships')
      .set({ email: 'robert.changed@example.net' })
      .where('workspace_id', '=', fx.ws.id)
      .where('user_id', '=', bob.userId)
      .execute();
    expect(await q('changed@example.n')).toEqual([`m:${bob.userId}`]);
    expect(await q(bob.email.slice(0, 12))).toEqual([]);

    // A pending join request follows its person's rename too; deciding it removes it.
    const carol = await signUp(fx.app, { name: 'Carol Before' });
    const requestId = newId(fx.app.clock.now());
    await fx.app.troupe.data.db
      .insertInto('join_requests')
      .values({
        id: requestId,
        workspace_id: fx.ws.id,
        user_id: carol.userId,
        email: carol.email,
        name: 'Carol Before',
        sort_key: sortKey('Carol Before', carol.email),
        role: 'viewer',
        status: 'pending',
        decided_by: null,
        decided_at: null,
        created_at: fx.app.clock.now(),
        expires_at: fx.app.clock.now() + JOIN_REQUEST_TTL_MS,
      })
      .execute();
    expect(await q('carol before')).toEqual([`r:${requestId}`]);
    await fx.app.request({
      method: 'POST',
      url: '/api/auth/update-user',
      cookie: carol.cookie,
      body: { name: 'Caroline After' },
    });
    expect(await q('carol before')).toEqual([]);
    expect(await q('caroline aft')).toEqual([`r:${requestId}`]);
    const denied = await fx.app.request({
      method: 'POST',
      url: `/api/workspaces/${fx.ws.id}/join-requests/${requestId}/deny`,
      cookie,
    });
    expect(denied.statusCode, denied.body).toBe(200);
    expect(await q('caroline aft')).toEqual([]);

    // A revoked invitation is gone.
    await invite(fx.app, cookie, fx.ws.id, ['revoke.me@example.com']);
    const [inv] = await q('revoke.me');
    expect(inv).toMatch(/^i:/);
    const revoked = await fx.app.request({
      method: 'DELETE',
      url: `/api/workspaces/${fx.ws.id}/invitations/${inv?.slice(2)}`,
      cookie,
    });
    expect(revoked.statusCode).toBeLessThan(300);
    expect(await q('revoke.me')).toEqual([]);

    // A removed member is gone.
    const removed = await fx.app.request({
      method: 'DELETE',
      url: `/api/workspaces/${fx.ws.id}/members/${bob.userId}`,
      cookie,
    });
    expect(removed.statusCode).toBeLessThan(300);
    expect(await q('newname')).toEqual([]);
    expect(await q('robert')).toEqual([]);

    if (dialect === 'sqlite') {
      // Nothing of them is left in the index either.
      const left = await fx.app.troupe.data.db
        .selectFrom('members_search_rows')
        .select('ref')
        .where('workspace_id', '=', fx.ws.id)
        .execute();
      expect(left.map((r) => r.ref)).toEqual([fx.admin.userId]);
    }
    // Nor in the grams: only the admin's, each once.
    const db = fx.app.troupe.data.db;
    const admin = await db
      .selectFrom('memberships')
      .select(['sort_key', 'email'])
      .where('user_id', '=', fx.admin.userId)
      .executeTakeFirstOrThrow();
    const expected = new Set<string>();
    for (const text of [admin.sort_key, admin.email]) {
      const cps = [...text];
      for (let i = 0; i < cps.length; i++) {
        expected.add(cps[i] as string);
        if (i + 1 < cps.length) expected.add(`${cps[i]}${cps[i + 1]}`);
      }
    }
    if (dialect === 'postgres') {
      const grams = await db
        .selectFrom('members_grams')
        .select(['user_id', 'gram'])
        .where('workspace_id', '=', fx.ws.id)
        .execute();
      expect(new Set(grams.map((g) => g.user_id))).toEqual(new Set([fx.admin.userId]));
      expect(grams.map((g) => g.gram).sort()).toEqual([...expected].sort());
    } else {
      // One FTS5 row for each member row of the search index (every workspace's), none for Bob.
      const ftsRows = await sql<{ rowid: number }>`SELECT rowid FROM members_grams_fts`.execute(db);
      const memberRows = await db
        .selectFrom('members_search_rows')
        .select(['id', 'workspace_id', 'ref'])
        .where('kind', '=', 'm')
        .execute();
      expect(ftsRows.rows.map((r) => r.rowid).sort()).toEqual(memberRows.map((r) => r.id).sort());
      // The admin's row has exactly the admin's grams: each of them finds it, Bob's do not.
      const adminRow = memberRows.find((r) => r.workspace_id === fx.ws.id && r.ref === fx.admin.userId);
      const found = async (gram: string) =>
        (
          await sql<{
            rowid: number;
          }>`SELECT rowid FROM members_grams_fts WHERE members_grams_fts MATCH ${gramPhrase(gram)}`.execute(
            db,
          )
        ).rows.map((r) => r.rowid);
      for (const gram of expected) expect(await found(gram), gram).toContain(adminRow?.id);
      for (const gram of ['wn', 'w', 'zq'].filter((g) => !expected.has(g)))
        expect(await found(gram), gram).not.toContain(adminRow?.id);
    }
  });

  it.skipIf(dialect !== 'sqlite')(
    "gives each workspace's rows ids of its own range, after the migration and after every change (SQLite)",
    async () => {
      const db = fx.app.troupe.data.db;
      // Each row's id is in its workspace's range, every workspace has its own slot, and the rows
      // are the sources' (members, pending invitations, pending requests): no more, no fewer.
      const check = async () => {
        const { rows } = await sql<{ workspace_id: string; kind: string; ref: string; inRange: number }>`
          SELECT r.workspace_id, r.kind, r.ref,
                 r.id BETWEEN s.slot * ${MEMBERS_SEARCH_RANGE} + 1 AND s.slot * ${MEMBERS_SEARCH_RANGE} + ${MEMBERS_SEARCH_RANGE - 1} AS inRange
          FROM members_search_rows r LEFT JOIN members_search_spaces s ON s.workspace_id = r.workspace_id`.execute(
          db,
        );
        expect(rows.filter((r) => r.inRange !== 1)).toEqual([]);
        const { rows: sources } = await sql<{ workspace_id: string; kind: string; ref: string }>`
          SELECT workspace_id, 'm' AS kind, user_id AS ref FROM memberships
          UNION ALL SELECT workspace_id, 'i', id FROM invitations WHERE status = 'pending'
          UNION ALL SELECT workspace_id, 'r', id FROM join_requests WHERE status = 'pending'`.execute(db);
        const key = (r: { workspace_id: string; kind: string; ref: string }) =>
          `${r.workspace_id} ${r.kind} ${r.ref}`;
        expect(rows.map(key).sort()).toEqual(sources.map(key).sort());
        const spaces = await db
          .selectFrom('members_search_spaces')
          .select(['workspace_id', 'slot'])
          .execute();
        const workspaces = await db.selectFrom('workspaces').select('id').execute();
        expect(spaces.map((x) => x.workspace_id).sort()).toEqual(workspaces.map((w) => w.id).sort());
        expect(new Set(spaces.map((x) => x.slot)).size).toBe(spaces.length);
        return rows.length;
      };
      const { other, otherAdmin } = await trickyWorkspace();
      expect(await check()).toBe(18 + 19 + 3 + 3);
      // Built again by the migration from the rows there are, numbered by workspace.
      await sql`DROP TRIGGER workspaces_search_space`.execute(db);
      await sql`DROP TABLE members_search_spaces`.execute(db);
      await sql`DELETE FROM troupe_migrations WHERE name = '0051_members_search_ranges'`.execute(db);
      await migrateToLatest(db);
      expect(await check()).toBe(18 + 19 + 3 + 3);
      // Changes afterwards: a rename (the row goes and comes back), a removal, a workspace created
      // with its admin, an invitation revoked by a decision, a new request.
      const [renamed] = await insertMembers(fx.app, other.id, [
        { name: 'Zed Late', email: 'zed@example.com' },
      ]);
      await db
        .updateTable('memberships')
        .set({ sort_key: 'zed later' })
        .where('user_id', '=', renamed as string)
        .execute();
      await db
        .deleteFrom('memberships')
        .where('workspace_id', '=', other.id)
        .where('email', '=', 'ann.other+tag@example.com')
        .execute();
      const third = await createWorkspace(fx.app, fx.admin.cookie, 'Third');
      await db
        .updateTable('invitations')
        .set({ status: 'revoked' })
        .where('email', '=', 'inv+one@example.com')
        .execute();
      await insertJoinRequest(fx.app, third.id, { name: 'Ann Third', email: 'ann.third@example.com' });
      expect(await check()).toBe(18 + 19 + 3 + 3 + 1 - 1 + 1 - 1 + 1);
      // And every search still finds what it should, in each workspace.
      for (const q of ['ann', 'an', 'zed', 'e'])
        for (const [ws, cookie] of [
          [fx.ws.id, fx.admin.cookie],
          [other.id, otherAdmin.cookie],
          [third.id, fx.admin.cookie],
        ] as const)
          expect(await search(fx.app, cookie, ws, q), `${ws} q=${q}`).toEqual(
            await bruteForce(fx.app, ws, q),
          );
    },
  );

  it('finds a short term that many members have, bunched at the end of the display order, by its grams', async () => {
    // Members first in the display order without the term, then more than SHORT_PROBE_CAP with
    // it, none of them among the first SHORT_WALK_BUDGET: neither the hits read beforehand nor the
    // walk, the page query reads the grams itself (SQLite; on PostgreSQL the gram table's range,
    // as for every short term), and pages through all of them.
    const without = SHORT_WALK_BUDGET + 100;
    const withTerm = SHORT_PROBE_CAP + 50;
    const people: Person[] = [];
    for (let i = 0; i < without; i++) people.push({ name: `Aaa Person ${i}`, email: `aaa.${i}@example.com` });
    for (let i = 0; i < withTerm; i++)
      people.push({ name: `Zzz Person ${i}`, email: `zzz.${i}@example.com` });
    await insertMembers(fx.app, fx.ws.id, people);
    const db = fx.app.troupe.data.db;
    const view = { q: 'zz', after: null, limit: 50, membersOnly: false, now: fx.app.clock.now() };
    const explained = await explainMembersView(db, fx.ws.id, view);
    expect(explained.search).toBe('grams');
    const plan = explained.plan.join('\n');
    if (dialect === 'sqlite') {
      // The grams' match bounded to the workspace's rowids (migration 0051): `>` and `<` after it.
      expect(plan).toMatch(
        /SEARCH s USING INDEX sqlite_autoindex_members_search_spaces_1 \(workspace_id=\?\)/,
      );
      expect(plan).toMatch(/SCAN f VIRTUAL TABLE INDEX 0:M\d*></);
      expect(plan).not.toMatch(/memberships_sort_idx|SCAN memberships/);
    }
    const found = await search(fx.app, fx.admin.cookie, fx.ws.id, 'zz');
    expect(found).toHaveLength(withTerm);
    expect(found).toEqual(await bruteForce(fx.app, fx.ws.id, 'zz'));
  });

  it('reads only matching rows among 10,000 members, and stays fast with a new term each request', async () => {
    const app = fx.app;
    const first =
      'Aaliyah Adam Aisha Alex Amara Andrea Arjun Beatriz Ben Carla Chen Chloe Daniel Diego Elena Emma Fatima Felix Grace Hana Hugo Ines Isaac Jamal Julia Kai Kenji Laila Leo Lucia Maya Mateo Mei Nadia Nikolai Noah Olga Omar Priya Rafael Rosa Sam Sara Sofia Tariq Theo Uma Victor Wen Yara Yusuf Zoe'.split(
        ' ',
      );
    const last =
      'Smith Garcia Nguyen Kowalski Okafor Tanaka Muller Rossi Silva Khan Johansson Dubois Patel Ivanova Haddad Kim Novak Moreno Fischer Lopez Andersen Costa Reyes Wright Bauer Ortiz Yamamoto Mensah Walsh Horvat Larsen Ferreira Santos Abe Lindqvist Bianchi Murphy Kaur Volkov Dlamini'.split(
        ' ',
      );
    const domains = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];
    let seed = 12;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)] as T;
    const people: Person[] = [];
    for (let i = 0; i < 9_999; i++) {
      const f = pick(first);
      const l = i % 2000 === 1000 ? 'Quennell' : pick(last);
      people.push({ name: `${f} ${l}`, email: `${f}.${l}.${i}@${pick(domains)}`.toLowerCase() });
    }
    await insertMembers(app, fx.ws.id, people);
    const db = app.troupe.data.db;
    const view0 = (q: string) => ({ q, after: null, limit: 50, membersOnly: false, now: app.clock.now() });
    if (dialect === 'sqlite') {
      // Before any statistics (a new server, no ANALYZE yet): the ids found drive the lookups, no
      // walk of the sort index testing every member against them.
      for (const q of ['qu', 'quennell']) {
        const plan = (await explainMembersView(db, fx.ws.id, view0(q))).plan.join('\n');
        expect(plan, q).toMatch(
          /SEARCH memberships USING INDEX sqlite_autoindex_memberships_1 \(workspace_id=\? AND user_id=\?\)/,
        );
        expect(plan, q).not.toMatch(/memberships USING (COVERING )?INDEX memberships_sort_idx/);
      }
    }
    if (dialect === 'postgres')
      await sql`ANALYZE memberships`.execute(db); // as autovacuum would, after a bulk load
    else await sql`ANALYZE`.execute(db);

    const view = (q: string) => ({ q, after: null, limit: 50, membersOnly: false, now: app.clock.now() });
    const rare = await explainMembersView(db, fx.ws.id, view('quennell'));
    // PostgreSQL: one statement with both ways and the probe that picks one (`auto`); the way not
    // taken shows as "never executed".
    const indexUsed = /Bitmap Index Scan on memberships_search_idx \(actual rows=(\d+)/g;
    expect(rare.search).toBe(dialect === 'sqlite' ? 'index' : 'auto');
    if (dialect === 'sqlite') {
      const plan = rare.plan.join('\n');
      // The FTS5 index's hits (read just before, fewer than PROBE_CAP) come as a list, each member
      // fetched by primary key: no walk.
      expect(plan).toMatch(/SCAN h VIRTUAL TABLE INDEX/);
      expect(plan).toMatch(
        /SEARCH memberships USING INDEX sqlite_autoindex_memberships_1 \(workspace_id=\? AND user_id=\?\)/,
      );
      expect(plan).not.toMatch(/SCAN memberships|memberships USING INDEX memberships_sort_idx/);
    } else {
      const plan = rare.plan.join('\n');
      // The index hands over the 5 matching rows (each Bitmap Index Scan: one for the name, one for the email).
      const rows = [...plan.matchAll(indexUsed)].map((m) => Number(m[1]));
      expect(rows.length, plan).toBeGreaterThan(0);
      for (const n of rows) expect(n).toBeLessThanOrEqual(5);
      expect(plan).not.toMatch(/Seq Scan on memberships/);
    }
    // A term nobody has: the index's probe says so and no page query runs (on PostgreSQL the probe
    // is a small statement of its own, `anyMatch`; the page's statement would be planned afresh).
    const none = await explainMembersView(db, fx.ws.id, view('qzxq'));
    expect(none.plan).toEqual(['none: the index found no row for the term']);
    // A term that most rows contain walks the display order instead and stops at the page.
    const common = await explainMembersView(db, fx.ws.id, view('example'));
    expect(common.search).toBe(dialect === 'sqlite' ? 'filter' : 'auto');
    expect(common.plan.join('\n')).toMatch(/memberships_sort_idx/);
    if (dialect === 'postgres') {
      // The walk stopped at the page (51 rows); the index branch never ran.
      expect(common.plan.join('\n')).toMatch(
        /Index Scan using memberships_sort_idx on memberships \(actual rows=51 /,
      );
      expect(common.plan.join('\n')).toMatch(
        /One-Time Filter: \(\$\d+ < '51'::bigint\)[\s\S]*?\(never executed\)/,
      );
    }
    // Matches bunched at the end of the display order (a first name): the index, not a walk of 9,800 rows.
    const bunched = await explainMembersView(db, fx.ws.id, view('zoe '));
    expect(bunched.search).toBe(dialect === 'sqlite' ? 'index' : 'auto');
    expect(bunched.plan.join('\n')).toMatch(dialect === 'sqlite' ? /VIRTUAL TABLE/ : indexUsed);
    if (dialect === 'postgres') {
      // The statement is prepared: PostgreSQL settles on its generic plan, made without the term.
      // It is the same two ways, the probe picking one as it runs.
      const generic = async (q: string) =>
        (await explainMembersView(db, fx.ws.id, view(q), { generic: true })).plan.join('\n');
      const oneIndexScan = new RegExp(indexUsed.source);
      const rareGeneric = await generic('quennell');
      expect(rareGeneric).toMatch(/One-Time Filter: \(\$\d+ >= \$\d+\)/); // the values are parameters
      const rows = [...rareGeneric.matchAll(indexUsed)].map((m) => Number(m[1]));
      expect(rows.length, rareGeneric).toBeGreaterThan(0);
      for (const n of rows) expect(n).toBeLessThanOrEqual(5);
      const commonGeneric = await generic('example');
      expect(commonGeneric).toMatch(/Index Scan using memberships_sort_idx on memberships \(actual rows=51 /);
      expect(commonGeneric).not.toMatch(oneIndexScan);
      expect(await generic('zoe ')).toMatch(oneIndexScan);
      for (const plan of [rareGeneric, commonGeneric]) expect(plan).not.toMatch(/Seq Scan on memberships/);
    }
    // Short terms (no trigram) read their members by their grams. PostgreSQL: the page from the
    // gram table, in display order: no walk, and no more entries than the page (51, the page and
    // one to know there is more). SQLite: the members the grams' FTS5 table finds (read just
    // before, fewer than PROBE_CAP), each fetched by primary key; a term most members have walks.
    expect(MIN_INDEXED_TERM).toBe(3);
    for (const q of ['qu', 'q', 'e']) {
      const short = await explainMembersView(db, fx.ws.id, view(q));
      const plan = short.plan.join('\n');
      if (dialect === 'sqlite' && q === 'e') {
        expect(short.search).toBe('filter');
        expect(plan).toMatch(/memberships_sort_idx/);
        continue;
      }
      expect(short.search).toBe('grams');
      expect(plan).not.toMatch(/memberships_sort_idx|SCAN memberships|Seq Scan on memberships/);
      if (dialect === 'sqlite') {
        // `h`: the hits read just before (fewer than SHORT_PROBE_CAP); `f`: the grams read by the page.
        expect(plan).toMatch(q === 'qu' ? /SCAN h VIRTUAL TABLE INDEX/ : /SCAN [hf] VIRTUAL TABLE INDEX/);
        expect(plan).toMatch(
          /SEARCH memberships USING INDEX sqlite_autoindex_memberships_1 \(workspace_id=\? AND user_id=\?\)/,
        );
      } else {
        const read = [
          ...plan.matchAll(
            /Index (?:Only )?Scan using members_grams_pkey on members_grams \(actual rows=(\d+)/g,
          ),
        ];
        expect(read.length, plan).toBeGreaterThan(0);
        for (const m of read) expect(Number(m[1]), plan).toBeLessThanOrEqual(51);
      }
    }

    for (const q of [
      'quennell',
      'smith',
      'example',
      'zoe ',
      'zoe.',
      'yusuf',
      '.1234@',
      '9999',
      'qu',
      'q',
      'e',
      'zz',
      '.1',
      '@',
      '9',
      'nope',
      'aisha.k',
    ])
      expect(await search(app, fx.admin.cookie, fx.ws.id, q), q).toEqual(await bruteForce(app, fx.ws.id, q));
    expect(await bruteForce(app, fx.ws.id, 'quennell')).toHaveLength(5);
    expect((await bruteForce(app, fx.ws.id, 'example')).length).toBeGreaterThan(WALK_BUDGET);

    // Cache misses: a different term each request, one at a time, the first page as the UI asks.
    const terms = new Set<string>();
    while (terms.size < 400) {
      const p = pick(people);
      const text = rnd() < 0.5 ? p.name.toLowerCase() : p.email;
      const len = 3 + Math.floor(rnd() * 5);
      const at = Math.floor(rnd() * Math.max(1, text.length - len));
      const kind = rnd();
      // Substrings of real names and emails (common and rare), and terms nobody has.
      terms.add(
        kind < 0.8 ? text.slice(at, at + len) : `${text.slice(at, at + 3)}${randomBytes(2).toString('hex')}`,
      );
    }
    const times: number[] = [];
    for (const term of terms) {
      const t0 = performance.now();
      const res = await app.request({
        method: 'GET',
        url: `/api/workspaces/${fx.ws.id}/members?q=${encodeURIComponent(term)}`,
        cookie: fx.admin.cookie,
      });
      times.push(performance.now() - t0);
      expect(res.statusCode).toBe(200);
    }
    times.sort((a, b) => a - b);
    const p = (f: number) => Math.round((times[Math.floor(f * (times.length - 1))] as number) * 100) / 100;
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    console.log(
      `members search, ${dialect}, 10,000 members, ${times.length} cache misses (a new term each), in process: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms; load average ${load}`,
    );
    // The figure to record is measured over HTTP by bench/members-search.ts; a shared machine's load
    // moves it too much for a tight bound here. What must hold under any load: for terms nobody
    // has, the indexed search beats the query it replaced (the walk that tests every row) by far.
    // (On SQLite NOT INDEXED: reading every row, as the walk did before the sort index held the
    // email, migration 0042; that walk now tests each member from the index, 2-3 times cheaper.)
    const before = (q: string) =>
      sql`SELECT user_id FROM memberships ${sql.raw(dialect === 'sqlite' ? 'NOT INDEXED' : '')} WHERE workspace_id = ${fx.ws.id}
            AND (sort_key LIKE ${`%${q}%`} OR email LIKE ${`%${q}%`})
            ORDER BY sort_key, user_id LIMIT 51`.execute(db);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const oldMs: number[] = [];
    const newMs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const q = `zq${randomBytes(3).toString('hex')}`;
      let t0 = performance.now();
      expect((await before(q)).rows).toEqual([]);
      oldMs.push(performance.now() - t0);
      t0 = performance.now();
      expect(await listMembersView(db, fx.ws.id, view(q))).toEqual([]);
      newMs.push(performance.now() - t0);
    }
    console.log(
      `members search, ${dialect}, a term nobody has: median ${median(newMs).toFixed(3)} ms by index, ${median(oldMs).toFixed(3)} ms by the old query text; fastest ${Math.min(...newMs).toFixed(3)} / ${Math.min(...oldMs).toFixed(3)} ms`,
    );
    // (SQLite only: on PostgreSQL the old query text is now planned with the trigram index too, so
    // it is no longer "before"; the plans above are the proof there.)
    // The fastest of 40 each (what a query costs when nothing else on the machine got in its way):
    // at least twice as fast as reading every row (measured about 3.3 times, 2026-12-03).
    if (dialect === 'sqlite') expect(Math.min(...newMs) * 2).toBeLessThan(Math.min(...oldMs));
    expect(p(0.95)).toBeLessThan(250);
  }, 180_000);
});
