import type { JoinRequest } from '../../contract/join-requests.ts';
import type { Role } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import type { Conn } from '../../data/db.ts';
import { decideJoinRequest, findJoinRequest, type JoinRequestRow } from '../../data/join-requests.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { DomainError, notFound } from '../../domain/errors.ts';

export function presentJoinRequest(row: JoinRequestRow): JoinRequest {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    status: row.status,
    createdAt: isoTime(row.created_at),
    expiresAt: isoTime(row.expires_at),
  };
}

/** A request that can no longer be decided: 409 saying what became of it. */
export function closedRequest(row: JoinRequestRow, now: number): DomainError {
  const detail =
    row.status === 'approved'
      ? `${row.email}'s request was already approved`
      : row.status === 'denied'
        ? `${row.email}'s request was already denied`
        : row.expires_at <= now
          ? `${row.email}'s request expired; they can ask again with the invite link`
          : `${row.email}'s request is not pending`;
  return new DomainError('request_closed', detail);
}

/**
 * Decides a pending request once (the conditional update), with its workspace; otherwise 404 for
 * no such request, 409 `request_closed` saying what became of it.
 */
export async function decideOnce(
  tx: Conn,
  workspaceId: string,
  id: string,
  decision: 'approved' | 'denied',
  decidedBy: string,
  now: number,
) {
  const decided = await decideJoinRequest(tx, workspaceId, id, decision, decidedBy, now);
  if (!decided) {
    const row = await findJoinRequest(tx, workspaceId, id);
    throw row ? closedRequest(row, now) : notFound('Join request');
  }
  const workspace = await findWorkspace(tx, workspaceId);
  if (!workspace) throw notFound('Workspace');
  return { decided, workspace };
}
