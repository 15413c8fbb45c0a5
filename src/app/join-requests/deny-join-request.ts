import type { JoinRequest } from '../../contract/join-requests.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { insertMail } from '../../data/outbox.repo.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { joinDeniedMail } from '../mail/templates.ts';
import { publishNotes, writeNotes } from '../notifications/notify.ts';
import type { DecideDeps } from './approve-join-request.ts';
import { decideOnce, presentJoinRequest } from './present.ts';

/** Denies a pending request: it is closed, and the requester is told by email. */
export async function denyJoinRequest(
  deps: DecideDeps,
  actor: WorkspaceActor,
  input: { id: string },
): Promise<JoinRequest> {
  requireAccess(actor, 'join_requests:manage');
  const ws = actor.workspaceId;
  const out = await inTransaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const { decided, workspace } = await decideOnce(tx, ws, input.id, 'denied', actor.userId, now);
    const notes = await writeNotes(
      tx,
      [
        {
          userId: decided.user_id,
          workspaceId: ws,
          kind: 'join_request_denied',
          subjectId: decided.id,
          data: { workspace: { id: ws, name: workspace.name } },
        },
      ],
      now,
    );
    await insertMail(tx, joinDeniedMail(decided.email, decided.name, workspace.name, deps.publicUrl), now);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'join_request.deny',
          target: { type: 'join_request', id: decided.id, label: decided.email },
          before: { role: decided.role },
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
