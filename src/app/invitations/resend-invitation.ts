import type { Role } from '../../contract/roles.ts';
import { roleLabels } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { findInvitation, renewInvitation } from '../../data/invitations.repo.ts';
import { insertMail } from '../../data/outbox.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import { INVITATION_TTL_MS } from '../../domain/members.ts';
import { hashToken, newToken } from '../../infra/tokens.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { invitationMail } from '../mail/templates.ts';
import { acceptUrl, type InvitationDeps } from './invite-members.ts';

/**
 * Sends a pending (or expired) invitation again with a new token and 7 more days; the old link dies.
 * The caller becomes its inviter, as the new mail says.
 */
export async function resendInvitation(deps: InvitationDeps, actor: WorkspaceActor, input: { id: string }) {
  requireAccess(actor, 'members:manage');
  const ws = actor.workspaceId;
  const out = await inTransaction(deps.db, async (tx) => {
    const inv = await findInvitation(tx, ws, input.id);
    const workspace = await findWorkspace(tx, ws);
    if (inv?.status !== 'pending' || !workspace) throw notFound('Invitation');
    const now = deps.clock.now();
    const token = newToken();
    const expiresAt = now + INVITATION_TTL_MS;
    // The caller becomes the inviter: the new mail names them (docs/RULES.md, Invitations).
    const fresh = { tokenHash: hashToken(token), expiresAt, invitedBy: actor.userId };
    if (!(await renewInvitation(tx, ws, inv.id, fresh, now))) throw notFound('Invitation');
    await insertMail(
      tx,
      invitationMail(
        inv.email,
        actor.name,
        workspace.name,
        roleLabels[inv.role as Role],
        acceptUrl(deps.publicUrl, token),
      ),
      now,
    );
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'invitation.resend',
          target: { type: 'invitation', id: inv.id, label: inv.email },
          before: { expiresAt: isoTime(inv.expires_at) },
          after: { expiresAt: isoTime(expiresAt) },
        },
      ],
      now,
    );
    return {
      id: inv.id,
      email: inv.email,
      role: inv.role as Role,
      status: 'invite_sent' as const,
      expiresAt: isoTime(expiresAt),
    };
  });
  deps.mailQueued();
  return out;
}
