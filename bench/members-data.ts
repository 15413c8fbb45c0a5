/**
 * The members benchmark's dataset: one workspace (created through the HTTP API by its admin) filled
 * in bulk, straight into the database through Troupe's own Kysely setup (`openSqlite` /
 * `openPostgres`), with a connection of its own:
 *
 * - `members - 1` users in Better Auth's `user` table, stored the way a real sign-up stores them
 *   (SQLite: ISO-8601 text dates and 0/1 booleans; PostgreSQL: timestamptz and boolean), and their
 *   memberships (the columns `insertMembership` writes, `sort_key` from `sortKey()`), so the
 *   workspace has `members` active members with the admin; `seat_limit` = `seats_used` = members.
 * - `invitations` pending invitations (a few of them expired) and `joinRequests` pending join
 *   requests from users who are not members: every branch of the members view has rows.
 *
 * Names are first + last from fixed lists with a seeded generator (the same data on every run):
 * `COMMON_TERM` ("smith") is one of 40 equally likely last names (about 1 member in 40), and
 * `RARE_TERM` is the last name of exactly `RARE_COUNT` members. Neither is part of any other name,
 * email or domain. Rows go in batches of 500 in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { type DataSource, openPostgres, openSqlite } from '../src/data/db.ts';
import { newId } from '../src/data/ids.ts';
import type { InvitationsTable, JoinRequestsTable, MembershipsTable, UserTable } from '../src/data/schema.ts';
import { JOIN_REQUEST_TTL_MS, sortKey } from '../src/domain/members.ts';
import { invitationTokenFromOutbox } from '../test/invitation-mail.ts';
import { call, type DialectName, nextClient, type Server, signUp } from './lib.ts';

export const COMMON_TERM = 'smith';
export const RARE_TERM = 'quennell';
export const RARE_COUNT = 5;

const FIRST_NAMES = (
  'Aaliyah Adam Aisha Alex Amara Andrea Arjun Beatriz Ben Carla Chen Chloe Daniel Diego Elena ' +
  'Emma Fatima Felix Grace Hana Hugo Ines Isaac Jamal Julia Kai Kenji Laila Leo Lucia Maya Mateo ' +
  'Mei Nadia Nikolai Noah Olga Omar Priya Rafael Rosa Sam Sara Sofia Tariq Theo Uma Victor Wen ' +
  'Yara Yusuf Zoe'
).split(' ');
// 40 last names: COMMON_TERM is in 'Smith' only, RARE_TERM in none of them (nor in a first name or domain).
const LAST_NAMES = (
  'Smith Garcia Nguyen Kowalski Okafor Tanaka Muller Rossi Silva Khan Johansson Dubois Patel ' +
  'Ivanova Haddad Kim Novak Moreno Fischer Lopez Andersen Costa Reyes Wright Bauer Ortiz Yamamoto ' +
  'Mensah Walsh Horvat Larsen Ferreira Santos Abe Lindqvist Bianchi Murphy Kaur Volkov Dlamini'
).split(' ');
const DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];
const ROLES = ['viewer', 'viewer', 'viewer', 'creator', 'creator', 'developer'] as const;

/** mulberry32: a small seeded generator, so every run builds the same names. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Better Auth-like user id (32 characters of [A-Za-z0-9]). */
function userId(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (b) => chars[b % chars.length]).join('');
}

export interface DatasetSpec {
  workspaceId: string;
  adminUserId: string;
  /** Active members in total, the admin included. */
  members: number;
  invitations: number;
  joinRequests: number;
}

export interface DatasetInfo {
  members: number;
  invitations: { pending: number; expired: number };
  joinRequests: number;
  /** Members whose name or email contains the term (they are what a search returns, besides invitations). */
  commonTermMatches: number;
  rareTermMatches: number;
  seconds: number;
}

export function openDataSource(dialect: DialectName, url: string): DataSource {
  return dialect === 'sqlite' ? openSqlite(url.replace(/^sqlite:/, '')) : openPostgres(url, { max: 2 });
}

/** The accept token of the last invitation mailed to `email` (read from the outbox). */
export function invitationToken(data: DataSource, email: string): Promise<string> {
  return invitationTokenFromOutbox(data.db, email);
}

/** Invite (as the admin) then accept (as the invitee) over HTTP: the two calls' wall time in ms. */
export async function inviteAndAccept(
  server: Server,
  data: DataSource,
  f: { wsId: string; adminCookie: string },
  invitee: { cookie: string; email: string },
  role = 'creator',
): Promise<number> {
  const t0 = performance.now();
  await call(server, {
    method: 'POST',
    path: `/api/workspaces/${f.wsId}/invitations`,
    headers: { cookie: f.adminCookie, 'x-forwarded-for': nextClient() },
    body: () => ({ emails: [invitee.email], role }),
  });
  const t1 = performance.now();
  const token = await invitationToken(data, invitee.email); // not timed: the mail is read from the database
  const t2 = performance.now();
  await call(server, {
    method: 'POST',
    path: `/api/invitations/${token}/accept`,
    headers: { cookie: invitee.cookie, 'x-forwarded-for': nextClient() },
    body: () => ({}),
  });
  return t1 - t0 + (performance.now() - t2);
}

/** `n` invitees for `inviteAndAccept`: signed up through `server` and verified, one for each call. */
export async function signUpInvitees(
  server: Server,
  data: DataSource,
  dialect: DialectName,
  n: number,
  prefix: string,
): Promise<{ cookie: string; email: string }[]> {
  const invitees: { cookie: string; email: string }[] = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}-${i}@example.com`;
    const u = await signUp(server, { email, name: `Invitee ${i}` });
    await verifyEmail(data, dialect, u.userId);
    invitees.push({ cookie: u.cookie, email });
  }
  return invitees;
}

/** Marks a benchmark account's email verified (creating workspaces needs it), straight in Better Auth's table. */
export async function verifyEmail(data: DataSource, dialect: DialectName, userId: string): Promise<void> {
  await data.db
    .updateTable('user')
    .set({ emailVerified: dialect === 'sqlite' ? 1 : true })
    .where('id', '=', userId)
    .execute();
}

const BATCH = 500;

export async function fillWorkspace(
  dialect: DialectName,
  url: string,
  spec: DatasetSpec,
  now = Date.now(),
): Promise<DatasetInfo> {
  const started = performance.now();
  const data = openDataSource(dialect, url);
  const rnd = seeded(20261127);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
  const at = (ms: number) => (dialect === 'sqlite' ? new Date(ms).toISOString() : new Date(ms));
  const verified = dialect === 'sqlite' ? 1 : true;
  const YEAR = 365 * 24 * 60 * 60 * 1000;

  const users: UserTable[] = [];
  const memberships: MembershipsTable[] = [];
  const requests: JoinRequestsTable[] = [];
  const seen = new Set<string>();
  const person = (i: number, rare: boolean) => {
    const first = pick(FIRST_NAMES);
    const last = rare ? RARE_TERM[0]?.toUpperCase() + RARE_TERM.slice(1) : pick(LAST_NAMES);
    const name = `${first} ${last}`;
    let email = `${first}.${last}${i % 7 === 0 ? '' : `.${i}`}@${pick(DOMAINS)}`.toLowerCase();
    while (seen.has(email)) email = email.replace('@', `.${Math.floor(rnd() * 1e6)}@`);
    seen.add(email);
    const createdAt = now - Math.floor(rnd() * YEAR);
    const id = userId();
    users.push({
      id,
      name,
      email,
      emailVerified: verified,
      image: null,
      createdAt: at(createdAt),
      updatedAt: at(createdAt),
    });
    return { id, name, email, createdAt };
  };

  const bulk = spec.members - 1; // the admin is already a member
  // The rare name goes to RARE_COUNT members spread through the list's order (first names vary).
  const rareAt = new Set(
    Array.from({ length: RARE_COUNT }, (_, k) => Math.floor(((k + 0.5) * bulk) / RARE_COUNT)),
  );
  for (let i = 0; i < bulk; i++) {
    const p = person(i, rareAt.has(i));
    memberships.push({
      workspace_id: spec.workspaceId,
      user_id: p.id,
      role: pick(ROLES),
      email: p.email,
      name: p.name,
      sort_key: sortKey(p.name, p.email),
      created_at: p.createdAt,
    });
  }
  for (let i = 0; i < spec.joinRequests; i++) {
    const p = person(bulk + i, false);
    requests.push({
      id: newId(now),
      workspace_id: spec.workspaceId,
      user_id: p.id,
      email: p.email,
      name: p.name,
      sort_key: sortKey(p.name, p.email),
      role: 'viewer',
      status: 'pending',
      decided_by: null,
      decided_at: null,
      created_at: now - Math.floor(rnd() * 14 * 86_400_000),
      expires_at: 0,
    });
    const r = requests[requests.length - 1] as JoinRequestsTable;
    r.expires_at = r.created_at + JOIN_REQUEST_TTL_MS;
  }
  const invitations: InvitationsTable[] = [];
  let expired = 0;
  for (let i = 0; i < spec.invitations; i++) {
    const createdAt = now - Math.floor(rnd() * 9 * 86_400_000);
    // Invitations live 7 days: older ones show as expired (still pending, renewable).
    const expiresAt = createdAt + 7 * 86_400_000;
    if (expiresAt <= now) expired++;
    invitations.push({
      id: newId(now),
      workspace_id: spec.workspaceId,
      email: `${pick(FIRST_NAMES)}.${pick(LAST_NAMES)}.invitee${i}@${pick(DOMAINS)}`.toLowerCase(),
      role: pick(ROLES),
      token_hash: randomBytes(32).toString('hex'),
      status: 'pending',
      expires_at: expiresAt,
      invited_by: spec.adminUserId,
      accepted_by: null,
      created_at: createdAt,
      updated_at: createdAt,
    });
  }

  try {
    await data.db.transaction().execute(async (tx) => {
      for (let i = 0; i < users.length; i += BATCH)
        await tx
          .insertInto('user')
          .values(users.slice(i, i + BATCH))
          .execute();
      for (let i = 0; i < memberships.length; i += BATCH)
        await tx
          .insertInto('memberships')
          .values(memberships.slice(i, i + BATCH))
          .execute();
      if (requests.length) await tx.insertInto('join_requests').values(requests).execute();
      if (invitations.length) await tx.insertInto('invitations').values(invitations).execute();
      const res = await tx
        .updateTable('workspaces')
        .set({ seat_limit: spec.members, seats_used: sql`seats_used + ${bulk}` })
        .where('id', '=', spec.workspaceId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new Error('workspace not found');
    });
    if (dialect === 'postgres') {
      // What autovacuum does soon after a bulk load (statistics, visibility map).
      await sql`VACUUM (ANALYZE) "user", memberships, invitations, join_requests, workspaces`.execute(
        data.db,
      );
    } else {
      // The server's connection then reads from the database file, not a long write-ahead log.
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(data.db);
    }
    const ws = await data.db
      .selectFrom('workspaces')
      .select(['seat_limit', 'seats_used'])
      .where('id', '=', spec.workspaceId)
      .executeTakeFirstOrThrow();
    const count = await data.db
      .selectFrom('memberships')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('workspace_id', '=', spec.workspaceId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) !== spec.members || ws.seats_used !== spec.members || ws.seat_limit !== spec.members)
      throw new Error(`dataset: ${count.n} members, seats ${ws.seats_used}/${ws.seat_limit}`);
  } finally {
    await data.close();
  }

  const matches = (term: string) =>
    memberships.filter((m) => m.sort_key.includes(term) || m.email.includes(term)).length;
  return {
    members: spec.members,
    invitations: { pending: invitations.length, expired },
    joinRequests: requests.length,
    commonTermMatches: matches(COMMON_TERM),
    rareTermMatches: matches(RARE_TERM),
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}
