import type { MemberRow, MembersPage } from '../../contract/members.ts';
import { isoTime } from '../../contract/time.ts';
import type { Db } from '../../data/db.ts';
import { findSeatsAndSuperAdmins, listMembersView, type MembersViewRow } from '../../data/members.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { MembersPageCache } from './members-page-cache.ts';

type ListInput = { q?: string; cursor?: string; limit: number };

function present(row: MembersViewRow, now: number): MemberRow {
  const createdAt = isoTime(row.created_at);
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
        expiresAt: isoTime(row.expires_at ?? 0),
      };
    case 'invitation':
      return {
        invitationId: row.id,
        email: row.email,
        name: null,
        role: row.role,
        status: (row.expires_at ?? 0) > now ? 'invite_sent' : 'invite_expired',
        createdAt,
        expiresAt: isoTime(row.expires_at ?? 0),
      };
  }
}

/**
 * The members view (SPEC §4.1) as the JSON the route sends. Every member sees who is in the
 * workspace (like Slack's member directory); invitations and join requests are shown to Super
 * Admins only. From the page cache when the caller's request read the workspace's members version
 * (sessions and API keys both do).
 */
export async function listMembersJson(
  deps: { db: Db; clock: Clock; pages: MembersPageCache; stringify(page: MembersPage): string },
  actor: WorkspaceActor,
  input: ListInput,
): Promise<string> {
  const membersOnly = requireAccess(actor, 'members:list') !== 'super_admin';
  const key =
    actor.membersVersion === null
      ? null
      : [
          actor.workspaceId,
          actor.membersVersion,
          membersOnly ? 'm' : 'a',
          input.limit,
          input.q?.toLowerCase() ?? '',
          input.cursor ?? '',
        ].join('\u0000');
  const now = deps.clock.now();
  // A hit makes no closure: the build's is made only on a miss.
  return (
    deps.pages.get(key, now) ??
    deps.pages.buildOnce(key, now, async () => {
      const { page, validUntil } = await buildPage(deps, actor, membersOnly, input);
      return { body: deps.stringify(page), validUntil };
    })
  );
}

/** One page, and until when it stays exact without a change (the first expiry of an invitation or request on it). */
async function buildPage(
  deps: { db: Db; clock: Clock; pages: MembersPageCache },
  actor: WorkspaceActor,
  membersOnly: boolean,
  input: ListInput,
): Promise<{ page: MembersPage; validUntil: number }> {
  const { workspaceId, membersVersion } = actor;
  const after = input.cursor ? decodeCursor(input.cursor, 2) : null;
  const now = deps.clock.now();
  const kept = membersVersion === null ? undefined : deps.pages.summary(workspaceId, membersVersion);
  const [rows, ws] = await Promise.all([
    listMembersView(deps.db, workspaceId, {
      q: input.q ? input.q.toLowerCase() : null,
      after: after ? { sortKey: after[0] as string, rowKey: after[1] as string } : null,
      limit: input.limit,
      membersOnly,
      now,
    }),
    kept ?? findSeatsAndSuperAdmins(deps.db, workspaceId),
  ]);
  if (!ws) throw notFound('Workspace');
  if (!kept && membersVersion !== null) deps.pages.setSummary(workspaceId, membersVersion, ws);
  const rowsOnPage = rows.slice(0, input.limit);
  const last = rowsOnPage[rowsOnPage.length - 1];
  // Time changes the page at the first expiry on it: an invitation turns expired, a request lapses.
  // The row read past the page counts too: it decides whether there is a next page.
  let validUntil = Number.POSITIVE_INFINITY;
  for (const r of rows) {
    if (r.kind !== 'member' && r.expires_at !== null && r.expires_at > now) {
      validUntil = Math.min(validUntil, r.expires_at);
    }
  }
  return {
    page: {
      members: rowsOnPage.map((r) => present(r, now)),
      nextCursor: rows.length > input.limit && last ? encodeCursor([last.sort_key, last.row_key]) : null,
      seats: ws.seatLimit,
      seatsUsed: ws.seatsUsed,
      superAdmins: ws.superAdmins,
    },
    validUntil,
  };
}
