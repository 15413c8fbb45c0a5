import type { InviteLink } from '../../contract/invitations.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { findInviteLink, upsertInviteLink } from '../../data/invite-links.repo.ts';
import { newToken } from '../../infra/tokens.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { defaultLink, type InviteLinkDeps, type LinkSettings, presentInviteLink } from './invite-link.ts';

/** A new link with the same settings; the old one stops working at once and uses count from 0. */
export async function rotateInviteLink(deps: InviteLinkDeps, actor: WorkspaceActor): Promise<InviteLink> {
  requireAccess(actor, 'invite_link:manage');
  const ws = actor.workspaceId;
  const row = await inTransaction(deps.db, async (tx) => {
    const before: LinkSettings = (await findInviteLink(tx, ws)) ?? defaultLink;
    const now = deps.clock.now();
    const nonce = newToken(16);
    await upsertInviteLink(tx, ws, { nonce, uses: 0 }, actor.userId, now);
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
    return { ...before, nonce, uses: 0 };
  });
  return presentInviteLink(deps, ws, row);
}
