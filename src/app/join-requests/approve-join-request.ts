import type { JoinRequest } from '../../contract/join-requests.ts';
import { type Role, roleLabels } from '../../contract/roles.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { claimSeat, findMembership, insertMembership } from '../../data/members.repo.ts';
import { insertMail } from '../../data/outbox.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { joinApprovedMail } from '../mail/templates.ts';
import { publishNotes, seatLimitNotes, writeNotes } from '../notifications/notify.ts';
import { decideOnce, presentJoinRequest } from './present.ts';

export interface DecideDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  bus: NotificationBus;
  /** Tell the outbox worker that mail is waiting (after commit). */
  mailQueued(): void;
}

/**
 * Approves a pending request (SPEC §4.4): the person is an active member at once, taking a seat
 * through the same conditional claim as an invitation (409 `no_seats` when full, the request stays
 * pending). Deciding is a conditional update, so a request is decided once (409 `request_closed`).
 * The requester is told by email (outbox) in the same transaction.
 */
export async function approveJoinRequest(
  deps: DecideDeps,
  actor: WorkspaceActor,
  input: { id: string },
): Promise<JoinRequest> {
  requireAccess(actor, 'join_requests:manage');
  const ws = actor.workspaceId;
  const out = await inTransaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const { decided, workspace } = await decideOnce(tx, ws, input.id, 'approved', actor.userId, now);
    const existing = await findMembership(tx, ws, decided.user_id);
    const role = (existing?.role ?? decided.role) as Role;
    const notes = await writeNotes(
      tx,
      [
        {
          userId: decided.user_id,
          workspaceId: ws,
          kind: 'join_request_approved',
          subjectId: decided.id,
          data: { workspace: { id: ws, name: workspace.name }, role },
        },
      ],
      now,
    );
    if (!existing) {
      if (!(await claimSeat(tx, ws))) {
        throw new DomainError(
          'no_seats',
          `All ${workspace.seat_limit} seats of ${workspace.name} are in use: add seats in Billing, then approve ${decided.email}.`,
        );
      }
      await insertMembership(
        tx,
        {
          workspaceId: ws,
          userId: decided.user_id,
          role,
          email: decided.email,
          name: decided.name,
          sortKey: decided.sort_key,
        },
        now,
      );
      notes.push(...(await writeNotes(tx, await seatLimitNotes(tx, ws, null), now)));
    }
    await insertMail(
      tx,
      joinApprovedMail(
        decided.email,
        decided.name,
        workspace.name,
        roleLabels[role],
        `${deps.publicUrl}/w/${ws}`,
      ),
      now,
    );
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'join_request.approve',
          target: { type: 'join_request', id: decided.id, label: decided.email },
          after: { role },
        },
      ],
      now,
    );
    return { request: presentJoinRequest(decided), notes, now };
  });
  deps.mailQueued();
  publishNotes(deps.bus, out.notes, out.now);
  return out.request;
}
