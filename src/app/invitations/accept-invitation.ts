import type { Role } from '../../contract/roles.ts';
import { markEmailVerified } from '../../data/account.repo.ts';
import { auditPart } from '../../data/audit.repo.ts';
import { type Conn, type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { claimInvitation, findInvitationByTokenHash } from '../../data/invitations.repo.ts';
import { closePendingJoinRequest } from '../../data/join-requests.repo.ts';
import { claimedMembershipPart } from '../../data/members.repo.ts';
import { type WritePart, writeTogether } from '../../data/write-together.ts';
import { DomainError } from '../../domain/errors.ts';
import { noSeatLeft, sortKey } from '../../domain/members.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import { hashToken } from '../../infra/tokens.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccountAccess } from '../gate.ts';
import {
  type Note,
  notesPart,
  noteTurnedAway,
  publishNotes,
  seatLimitNotes,
} from '../notifications/notify.ts';
import { deadInvitation, liveInvitation } from './preview-invitation.ts';

/**
 * Accepts an invitation (SPEC §4.2): signed in as the invited address; a live token; a free seat.
 * The token was delivered to that address, so accepting it proves the address (SPEC §1, as Slack
 * and Notion treat it): a not-yet-verified account is marked verified in the same transaction,
 * instead of being sent to verify first. The claim, the seat and the membership are one transaction: the claim is a conditional
 * update (one winner per token, and only for the invited address), the seat a conditional increment
 * (never past the seat count), both in one statement on PostgreSQL. The claim comes first: the invitation is read only when it fails, to
 * say why (accepting takes one statement fewer than reading, then claiming).
 */
export async function acceptInvitation(
  deps: { db: Db; dialect: Dialect; clock: Clock; bus: NotificationBus },
  actor: Actor,
  token: string,
) {
  requireAccountAccess(actor, 'invitation:accept');
  const tokenHash = hashToken(token);
  const now = deps.clock.now();
  /** The workspace that had no seat for the caller (their claim rolled back with the rest). */
  let full: string | null = null;
  let out: Awaited<ReturnType<typeof accept>>;
  try {
    out = await accept();
  } catch (err) {
    if (err instanceof DomainError && err.code === 'no_seats' && full) {
      await noteTurnedAway(deps, full, { name: actor.name, email: actor.email });
    }
    throw err;
  }
  publishNotes(deps.bus, out.notes, now);
  return out.result;

  /**
   * Why the token could not be claimed, as the accept page says it: dead (410), or for another
   * address than the caller's (before the claim, it was read to tell; now only when it fails).
   */
  async function refusal(conn: Conn): Promise<DomainError> {
    const inv = liveInvitation(await findInvitationByTokenHash(conn, tokenHash), now);
    if (inv.email !== actor.email) {
      return new DomainError(
        'email_mismatch',
        `This invitation is for ${inv.email}, but you are signed in as ${actor.email}. Sign in with the invited address.`,
      );
    }
    return deadInvitation('accepted');
  }

  /** The claim, the seat and the membership in one transaction, with the notifications they cause. */
  function accept() {
    return inTransaction(deps.db, async (tx) => {
      const notes: Note[] = [];
      const parts: WritePart[] = [];
      const claimed = await claimInvitation(tx, deps.dialect, tokenHash, actor.userId, actor.email, now);
      if (!claimed) throw await refusal(tx);
      const ws = claimed.workspace_id;
      // The address the token was mailed to is the caller's: it is proved (only while it still is).
      const verified =
        !actor.emailVerified && (await markEmailVerified(tx, deps.dialect, actor.userId, claimed.email, now));
      const role = claimed.role as Role;
      // Already a member (joined another way since): the claim's answer has their role.
      const existing = claimed.member_role;
      const inviter = claimed.invited_by;
      if (existing === null) {
        // Taken with the claim (data/invitations.repo.ts).
        const seats = claimed.seats;
        if (!seats) {
          full = ws;
          throw new DomainError(
            'no_seats',
            `${claimed.workspace_name} has no free seat. Ask a Super Admin to add seats.`,
          );
        }
        const member = claimedMembershipPart(
          {
            workspaceId: ws,
            userId: actor.userId,
            role,
            email: actor.email,
            name: actor.name,
            sortKey: sortKey(actor.name, actor.email),
          },
          now,
        );
        // The last seat: the Super Admins are read next (the new member, if one, among them).
        if (noSeatLeft(seats)) await writeTogether(tx, [member]);
        else parts.push(member);
        // Invited while asking to join: the request is done.
        if (claimed.join_request_pending) await closePendingJoinRequest(tx, ws, actor.userId, now);
        notes.push(...(await seatLimitNotes(tx, ws, null, { name: claimed.workspace_name, seats })));
      }
      // The inviter hears of it, while they are still in the workspace.
      if (inviter && inviter !== actor.userId && claimed.inviter_is_member) {
        notes.push({
          userId: inviter,
          workspaceId: ws,
          kind: 'invitation_accepted',
          subjectId: claimed.id,
          data: {
            workspace: { id: ws, name: claimed.workspace_name },
            member: { id: actor.userId, name: actor.name, email: actor.email },
            role: existing ?? role,
          },
        });
      }
      const written = notesPart(notes, now);
      parts.push(
        auditPart(
          [
            {
              workspaceId: ws,
              actor: actorRef(actor),
              action: 'invitation.accept',
              target: { type: 'invitation', id: claimed.id, label: claimed.email },
              after: { role: existing ?? role, ...(verified ? { emailVerified: true } : {}) },
            },
          ],
          now,
        ),
        written,
      );
      // The membership, the audit entry and the notifications: one statement on PostgreSQL.
      await writeTogether(tx, parts, { last: true });
      return {
        result: {
          workspace: { id: ws, name: claimed.workspace_name },
          role: existing ?? role,
          status: 'active' as const,
        },
        notes: written.rows,
      };
    });
  }
}
