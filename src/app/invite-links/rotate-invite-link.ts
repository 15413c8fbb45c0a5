import type { InviteLink } from '../../contract/invitations.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { updateInviteLink } from '../../data/invite-links.repo.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { freshLink, type InviteLinkDeps, loadInviteLink, presentInviteLink } from './invite-link.ts';

/** A new link with the same settings; the old one stops working at once and uses count from 0. */
export async function rotateInviteLink(deps: InviteLinkDeps, actor: WorkspaceActor): Promise<InviteLink> {
  requireAccess(actor, 'invite_link:manage');
  const ws = actor.workspaceId;
  const row = await inTransaction(deps.db, async (tx) => {
    const before = await loadInviteLink(deps, tx, ws, actor.userId);
    const now = deps.clock.now();
    const { nonce, tokenHash } = freshLink(deps.linkSecret, ws);
    await updateInviteLink(tx, ws, { nonce, token_hash: tokenHash, uses: 0 }, now);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'invite_link.rotate',
          target: { type: 'invite_link', id: ws, label: 'Invite link' },
          before: { uses: before.uses },
        },
      ],
      now,
    );
    return { ...before, nonce, token_hash: tokenHash, uses: 0, updated_at: now };
  });
  return presentInviteLink(deps, row);
}
