import type { JoinRequestList } from '../../contract/join-requests.ts';
import type { Db } from '../../data/db.ts';
import { listPendingJoinRequests } from '../../data/join-requests.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { decodeCursor, encodeCursor } from '../members/cursor.ts';
import { presentJoinRequest } from './present.ts';

/** Pending join requests, newest first (Super Admins). */
export async function listJoinRequests(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: { cursor?: string; limit: number },
): Promise<JoinRequestList> {
  requireAccess(actor, 'join_requests:manage');
  const beforeId = input.cursor ? (decodeCursor(input.cursor, 1)[0] as string) : null;
  const rows = await listPendingJoinRequests(deps.db, actor.workspaceId, {
    beforeId,
    limit: input.limit,
    now: deps.clock.now(),
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    joinRequests: page.map(presentJoinRequest),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.id]) : null,
  };
}
