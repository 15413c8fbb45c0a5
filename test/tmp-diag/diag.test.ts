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
import { newId } from '../../src/data/ids.ts';
import {
  explainMembersView,
  listMembersView,
  MIN_INDEXED_TERM,
  WALK_BUDGET,
} from '../../src/data/members.repo.ts';
import { migrateToLatest } from '../../src/data/migrations.ts';
import { JOIN_REQUEST_TTL_MS, sortKey } from '../../src/domain/members.ts';
import {
  addMember,
  createWorkspace,
  dialects,
  invite,
  signUp,
  type TestApp,
  useAdminWorkspace,
} from '../harness.ts';

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


describe('diag', () => {
  const fx = useAdminWorkspace('postgres');
  it('pg', async () => {
    const app = fx.app;
    const people: Person[] = [];
    for (let i = 0; i < 9_999; i++) people.push({ name: `Person ${i % 50} Last${i % 40}`, email: `p.${i}@example.com` });
    await insertMembers(app, fx.ws.id, people);
    const db = app.troupe.data.db;
    await sql`ANALYZE`.execute(db);
    for (const q of ['zq12ab', 'zq99cd', 'last3', 'person 4']) {
      const r = await explainMembersView(db, fx.ws.id, { q, after: null, limit: 50, membersOnly: false, now: app.clock.now() });
      console.log(q, r.search, r.plan.filter((l) => /Time|Scan/.test(l)).join(' | '));
      for (let i = 0; i < 3; i++) { const t0 = performance.now(); await listMembersView(db, fx.ws.id, { q, after: null, limit: 50, membersOnly: false, now: app.clock.now() }); console.log('  list', (performance.now() - t0).toFixed(2)); }
    }
    console.log(loadavg());
  }, 300000);
});
