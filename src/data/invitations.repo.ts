import { sql } from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn } from './db.ts';
import { PENDING } from './pending.ts';
import { reusable, reusableWithList, rowInserter } from './reusable-query.ts';
import type { InvitationsTable } from './schema.ts';
import type { WritePart } from './write-together.ts';

export type InvitationRow = InvitationsTable;

/** What an invitation call needs to know of each address: a member already, or invited already. */
export interface Invitees {
  /** The addresses that belong to active members of the workspace. */
  members: Set<string>;
  /** The live (pending) invitations of the workspace for the addresses, expired or not. */
  pending: Pick<InvitationRow, 'id' | 'email' | 'role' | 'expires_at'>[];
}

const inviteesQuery = reusableWithList((conn: Conn, emails: string[], workspaceId: string) =>
  conn
    .selectFrom('memberships')
    .select([
      'email',
      sql<string | null>`null`.as('id'),
      sql<string | null>`null`.as('role'),
      sql<number | null>`null`.as('expires_at'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('email', 'in', emails)
    .unionAll(
      conn
        .selectFrom('invitations')
        .select(['email', 'id', 'role', 'expires_at'])
        .where('workspace_id', '=', workspaceId)
        .where('status', '=', PENDING)
        .where('email', 'in', emails),
    ),
);

/** `Invitees` for `emails`, in one query (members and pending invitations, one after the other). */
export async function findInvitees(conn: Conn, workspaceId: string, emails: string[]): Promise<Invitees> {
  const out: Invitees = { members: new Set(), pending: [] };
  if (emails.length === 0) return out;
  const { rows } = await inviteesQuery(conn, emails, workspaceId);
  for (const r of rows) {
    if (r.id === null) out.members.add(r.email);
    else
      out.pending.push({ id: r.id, email: r.email, role: r.role as Role, expires_at: Number(r.expires_at) });
  }
  return out;
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
const claimQuery = reusable((conn: Conn, tokenHash: string, userId: string, email: string, now: number) =>
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
    ]),
);

export async function claimInvitation(
  conn: Conn,
  tokenHash: string,
  userId: string,
  email: string,
  now: number,
) {
  return (await claimQuery(conn, tokenHash, userId, email, now)).rows[0];
}

/** Resend: a new token and a new expiry; the old token stops working at once. */
export async function renewInvitation(
  conn: Conn,
  workspaceId: string,
  id: string,
  tokenHash: string,
  expiresAt: number,
  now: number,
  role?: Role,
): Promise<boolean> {
  const res = await conn
    .updateTable('invitations')
    .set({ token_hash: tokenHash, expires_at: expiresAt, updated_at: now, ...(role ? { role } : {}) })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('status', '=', PENDING)
    .executeTakeFirst();
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
