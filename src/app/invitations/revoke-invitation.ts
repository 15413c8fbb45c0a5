import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { findInvitation, revokeInvitation as revokeInvitationRow } from '../../data/invitations.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';

/** Revokes a pending invitation: its link stops working at once. */
export async function revokeInvitation(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: { id: string },
) {
  requireAccess(actor, 'members:manage');
  const ws = actor.workspaceId;
  await inTransaction(deps.db, async (tx) => {
    const inv = await findInvitation(tx, ws, input.id);
    const now = deps.clock.now();
    if (!inv || !(await revokeInvitationRow(tx, ws, input.id, now))) throw notFound('Invitation');
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'invitation.revoke',
          target: { type: 'invitation', id: inv.id, label: inv.email },
          before: { role: inv.role },
        },
      ],
      now,
    );
  });
}
