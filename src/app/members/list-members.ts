import type { MemberRow, MembersPage } from '../../contract/members.ts';
import type { Db } from '../../data/db.ts';
import { listMembersView, type MembersViewRow } from '../../data/members.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { requireMember, type WorkspaceActor } from '../actor.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

function present(row: MembersViewRow, now: number): MemberRow {
  const createdAt = new Date(row.created_at).toISOString();
  switch (row.kind) {
    case 'member':
      return {
        userId: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        status: 'active',
        createdAt,
      };
    case 'request':
      return {
        joinRequestId: row.id,
        email: row.email,
        name: row.name,
        role: row.role,
        status: 'requested',
        createdAt,
      };
    case 'invitation':
      return {
        invitationId: row.id,
        email: row.email,
        name: null,
        role: row.role,
        status: (row.expires_at ?? 0) > now ? 'invite_sent' : 'invite_expired',
        createdAt,
        expiresAt: new Date(row.expires_at ?? 0).toISOString(),
      };
  }
}

/**
 * The members view (SPEC §4.1). Every member sees who is in the workspace (like Slack's member
 * directory); invitations and join requests are shown to Super Admins only.
 */
export async function listMembers(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: { q?: string; cursor?: string; limit: number },
): Promise<MembersPage> {
  const role = requireMember(actor);
  const after = input.cursor ? decodeCursor(input.cursor, 2) : null;
  const [rows, ws] = await Promise.all([
    listMembersView(deps.db, actor.workspaceId, {
      q: input.q ? input.q.toLowerCase() : null,
      after: after ? { sortKey: after[0] as string, rowKey: after[1] as string } : null,
      limit: input.limit,
      membersOnly: role !== 'super_admin',
    }),
    findWorkspace(deps.db, actor.workspaceId),
  ]);
  if (!ws) throw notFound('Workspace');
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const now = deps.clock.now();
  return {
    members: page.map((r) => present(r, now)),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.sort_key, last.row_key]) : null,
    seats: ws.seat_limit,
    seatsUsed: ws.seats_used,
  };
}
