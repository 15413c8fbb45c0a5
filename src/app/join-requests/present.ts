import type { JoinRequest } from '../../contract/join-requests.ts';
import type { Role } from '../../contract/roles.ts';
import type { JoinRequestRow } from '../../data/join-requests.repo.ts';
import { DomainError } from '../../domain/errors.ts';

export function presentJoinRequest(row: JoinRequestRow): JoinRequest {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
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
