import type { InvitationPreview } from '../../contract/invitations.ts';
import { isoTime } from '../../contract/time.ts';
import type { Db } from '../../data/db.ts';
import { findInvitationByTokenHash } from '../../data/invitations.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { hashToken } from '../../infra/tokens.ts';

/** Why a token is dead, in words for the person holding it. */
export function deadInvitation(status: string | undefined): DomainError {
  const detail =
    status === 'accepted'
      ? 'This invitation has already been used'
      : status === 'revoked'
        ? 'This invitation was withdrawn; ask for a new one'
        : status === 'pending'
          ? 'This invitation has expired; ask for a new one'
          : 'This invitation link is not valid; ask for a new one';
  return new DomainError('invite_expired', detail);
}

/** The invitation if its token still works (pending and unexpired); else the 410 that says why. */
export function liveInvitation<T extends { status: string; expires_at: number }>(
  inv: T | undefined,
  now: number,
): T {
  if (inv?.status !== 'pending' || inv.expires_at <= now) throw deadInvitation(inv?.status);
  return inv;
}

/** What the accept page shows before anyone signs in: workspace, inviter, role, address. */
export async function previewInvitation(
  deps: { db: Db; clock: Clock },
  token: string,
): Promise<InvitationPreview> {
  const inv = liveInvitation(await findInvitationByTokenHash(deps.db, hashToken(token)), deps.clock.now());
  return {
    workspace: { id: inv.workspace_id, name: inv.workspace_name },
    inviter:
      inv.inviter_name && inv.inviter_email ? { name: inv.inviter_name, email: inv.inviter_email } : null,
    email: inv.email,
    role: inv.role,
    expiresAt: isoTime(inv.expires_at),
  };
}
