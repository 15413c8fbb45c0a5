import { sql } from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn, Dialect } from './db.ts';
import { claimSeat, type SeatsAfterClaim, seatClaim } from './members.repo.ts';
import { PENDING } from './pending.ts';
import { reusable, reusableWithList, rowInserter } from './reusable-query.ts';
import type { InvitationsTable } from './schema.ts';
import type { WritePart } from './write-together.ts';

export type InvitationRow = InvitationsTable;

/** What an invitation call needs to know of each address: a member already, or invited already. */
export interface Invitees {
  /** The workspace's name (for the email); null when there is no such workspace. */
  workspaceName: string | null;
  /** The addresses that belong to active members of the workspace. */
  members: Set<string>;
  /** The live (pending) invitations of the workspace for the addresses, expired or not. */
  pending: Pick<InvitationRow, 'id' | 'email' | 'role' | 'expires_at'>[];
}

/** A row of `inviteesQuery`: what it is (`w`orkspace, `m`ember, `i`nvitation) and its values. */
const inviteesQuery = reusableWithList((conn: Conn, emails: string[], workspaceId: string) =>
  conn
    .selectFrom('workspaces')
    .select([
      sql<string>`'w'`.as('kind'),
      'name as email',
      sql<string | null>`null`.as('id'),
      sql<string | null>`null`.as('role'),
      // Typed: PostgreSQL types a UNION's column from its first branches, and two bare nulls are text.
      sql<number | null>`cast(null as bigint)`.as('expires_at'),
    ])
    .where('id', '=', workspaceId)
    .unionAll(
      conn
        .selectFrom('memberships')
        .select([
          sql<string>`'m'`.as('kind'),
          'email',
          sql<string | null>`null`.as('id'),
          sql<string | null>`null`.as('role'),
          sql<number | null>`null`.as('expires_at'),
        ])
        .where('workspace_id', '=', workspaceId)
        .where('email', 'in', emails),
    )
    .unionAll(
      conn
        .selectFrom('invitations')
        .select([sql<string>`'i'`.as('kind'), 'email', 'id', 'role', 'expires_at'])
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', PENDING)
        .where('email', 'in', emails),
    ),
);

/**
 * `Invitees` for `emails`, in one query: the workspace's name, its members and its pending
 * invitations among them. Not a lock: two calls may read the same address as not yet invited; the
 * second one's insert then fails on `invitations_pending_uniq` (`isPendingInvitationTaken`).
 */
export async function findInvitees(conn: Conn, workspaceId: string, emails: string[]): Promise<Invitees> {
  const out: Invitees = { workspaceName: null, members: new Set(), pending: [] };
  const { rows } = await inviteesQuery(conn, emails, workspaceId);
  for (const r of rows) {
    if (r.kind === 'w') out.workspaceName = r.email;
    else if (r.kind === 'm') out.members.add(r.email);
    else
      out.pending.push({
        id: r.id as string,
        email: r.email,
        role: r.role as Role,
        expires_at: Number(r.expires_at),
      });
  }
  return out;
}

/**
 * A pending invitation this call inserted that another transaction made wrong between the call's
 * read and its write (PostgreSQL; on SQLite transactions run one at a time): another call invited
 * the address first (`invitations_pending_uniq`), or the address joined the workspace meanwhile
 * (`invitations_not_member`, checked at COMMIT: migration 0046).
 */
export function isPendingInvitationTaken(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return (
    e.code === '23505' &&
    (e.constraint === 'invitations_pending_uniq' || e.constraint === 'invitations_not_member')
  );
}

/** A write that named a workspace deleted meanwhile (its foreign key to the workspace failed). */
export function isWorkspaceGone(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return (
    e.code === '23503' && typeof e.constraint === 'string' && e.constraint.endsWith('_workspace_id_fkey')
  );
}

const insertRows = rowInserter('invitations', [
  'id',
  'workspace_id',
  'email',
  'role',
  'token_hash',
  'status',
  'expires_at',
  'invited_by',
  'accepted_by',
  'created_at',
  'updated_at',
]);

/** New invitations, as a part of a use case's `writeTogether` (data/write-together.ts). */
export const invitationsPart = (rows: InvitationRow[]): WritePart => insertRows.part(rows);

export async function findInvitation(
  conn: Conn,
  workspaceId: string,
  id: string,
): Promise<InvitationRow | undefined> {
  return conn
    .selectFrom('invitations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The invitation a token stands for, with its workspace and inviter, for the accept page. */
const invitationByTokenHash = reusable((conn: Conn, tokenHash: string) =>
  conn
    .selectFrom('invitations as i')
    .innerJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .leftJoin('user as u', 'u.id', 'i.invited_by')
    .select([
      'i.id',
      'i.workspace_id',
      'i.email',
      'i.role',
      'i.status',
      'i.expires_at',
      'i.invited_by',
      'w.name as workspace_name',
      'u.name as inviter_name',
      'u.email as inviter_email',
    ])
    .where('i.token_hash', '=', tokenHash),
);

export async function findInvitationByTokenHash(conn: Conn, tokenHash: string) {
  return (await invitationByTokenHash(conn, tokenHash)).rows[0] as
    | {
        id: string;
        workspace_id: string;
        email: string;
        role: Role;
        status: InvitationRow['status'];
        expires_at: number;
        invited_by: string | null;
        workspace_name: string;
        inviter_name: string | null;
        inviter_email: string | null;
      }
    | undefined;
}

/**
 * The invitation claim (DESIGN: one place): only a pending, unexpired invitation with this token,
 * for this address, turns `accepted`, once. Run it in the transaction that inserts the membership.
 * Answers the claimed invitation with what accepting it needs to know of the workspace, read in
 * the same statement: its name, the new member's role there if they already are one, whether the
 * inviter still is one, and whether the new member has a pending join request there. Undefined
 * when nothing was claimed (then `findInvitationByTokenHash` tells why).
 */
const claimUpdate = (conn: Conn, tokenHash: string, userId: string, email: string, now: number) =>
  conn
    .updateTable('invitations')
    .set({ status: sql.lit('accepted'), accepted_by: userId, updated_at: now })
    .where('token_hash', '=', tokenHash)
    .where('status', '=', PENDING)
    .where('expires_at', '>', now)
    .where('email', '=', email)
    .returning([
      'id',
      'workspace_id',
      'email',
      'role',
      'invited_by',
      sql<string>`(select w.name from workspaces w where w.id = invitations.workspace_id)`.as(
        'workspace_name',
      ),
      sql<Role | null>`(select m.role from memberships m where m.workspace_id = invitations.workspace_id and m.user_id = invitations.accepted_by)`.as(
        'member_role',
      ),
      sql<
        boolean | number
      >`exists (select 1 from memberships m where m.workspace_id = invitations.workspace_id and m.user_id = invitations.invited_by)`.as(
        'inviter_is_member',
      ),
      sql<
        boolean | number
      >`exists (select 1 from join_requests j where j.workspace_id = invitations.workspace_id and j.user_id = invitations.accepted_by and j.status = ${PENDING})`.as(
        'join_request_pending',
      ),
    ]);

type ClaimRow = Awaited<ReturnType<ReturnType<typeof claimUpdate>['execute']>>[number];

const claimQuery = reusable(claimUpdate);

/**
 * PostgreSQL: the claim and, for someone not yet a member, their seat (`seatClaim`, the same
 * conditional increment as `claimSeat`) in one statement: one round trip fewer for every
 * acceptance. The seat's update, like `claimSeat`'s, re-reads the workspace row it waited for
 * (`seats_used < seat_limit` holds for the row as last committed).
 */
const claimWithSeatQuery = reusable(
  (conn: Conn, tokenHash: string, userId: string, email: string, now: number) => {
    const claim = claimUpdate(conn, tokenHash, userId, email, now);
    const seat = seatClaim(conn, sql<string>`(SELECT c.workspace_id FROM c WHERE c.member_role IS NULL)`);
    const raw = sql<ClaimRow & { seats_used: number | null; seat_limit: number | null }>`
      WITH c AS (${claim}), s AS (${seat})
      SELECT c.*, s.seats_used, s.seat_limit FROM c LEFT JOIN s ON true`;
    return { compile: () => raw.compile(conn) };
  },
);

/** The claimed invitation (as `claimUpdate` answers it) and the seat it took, if any. */
export type ClaimedInvitation = ClaimRow & {
  /** The seats after the one taken; null when the caller is a member already or no seat was free. */
  seats: SeatsAfterClaim | null;
};

/**
 * Claims the invitation and, when the caller is not yet a member, one seat (null `seats`: none
 * was free). Undefined when nothing was claimed.
 */
export async function claimInvitation(
  conn: Conn,
  dialect: Dialect,
  tokenHash: string,
  userId: string,
  email: string,
  now: number,
): Promise<ClaimedInvitation | undefined> {
  if (dialect === 'postgres') {
    const row = (await claimWithSeatQuery(conn, tokenHash, userId, email, now)).rows[0];
    if (!row) return undefined;
    const { seats_used, seat_limit, ...claimed } = row;
    const seats =
      seats_used === null || seat_limit === null
        ? null
        : { seatsUsed: Number(seats_used), seatLimit: Number(seat_limit) };
    return { ...claimed, seats };
  }
  const claimed = (await claimQuery(conn, tokenHash, userId, email, now)).rows[0];
  if (!claimed) return undefined;
  return {
    ...claimed,
    seats: claimed.member_role === null ? await claimSeat(conn, claimed.workspace_id) : null,
  };
}

/**
 * Resend or renewal: a new token, a new expiry and the caller as the inviter (the one the new
 * mail names, shown on the accept page and told of the acceptance); the old token stops working at
 * once. With `renew`, also the role, and only an invitation that has expired by `renew.expiredAt`
 * is renewed (an invitation call renewing an expired one: false when another call renewed it first).
 */
export async function renewInvitation(
  conn: Conn,
  workspaceId: string,
  id: string,
  fresh: { tokenHash: string; expiresAt: number; invitedBy: string },
  now: number,
  renew?: { role: Role; expiredAt: number },
): Promise<boolean> {
  let q = conn
    .updateTable('invitations')
    .set({
      token_hash: fresh.tokenHash,
      expires_at: fresh.expiresAt,
      invited_by: fresh.invitedBy,
      updated_at: now,
      ...(renew ? { role: renew.role } : {}),
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', PENDING);
  if (renew) q = q.where('expires_at', '<=', renew.expiredAt);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function revokeInvitation(
  conn: Conn,
  workspaceId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const res = await conn
    .updateTable('invitations')
    .set({ status: 'revoked', updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', PENDING)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
