import type { JoinRequestList } from '../../contract/join-requests.ts';
import type { Db } from '../../data/db.ts';
import { listPendingJoinRequests } from '../../data/join-requests.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { decodeNumberedCursor, encodeCursor } from '../members/cursor.ts';
import { presentJoinRequest } from './present.ts';

/** Pending join requests, newest first by when they were made (Super Admins). */
export async function listJoinRequests(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: { cursor?: string; limit: number },
): Promise<JoinRequestList> {
  requireAccess(actor, 'join_requests:manage');
  const after = input.cursor ? decodeNumberedCursor(input.cursor, 2) : null;
  const rows = await listPendingJoinRequests(deps.db, actor.workspaceId, {
    before: after ? { at: after[0], id: after[1] as string } : null,
    limit: input.limit,
    now: deps.clock.now(),
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    joinRequests: page.map(presentJoinRequest),
    nextCursor: rows.length > input.limit && last ? encodeCursor([String(last.created_at), last.id]) : null,
  };
}
