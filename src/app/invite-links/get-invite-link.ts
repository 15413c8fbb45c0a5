import type { InviteLink } from '../../contract/invitations.ts';
import { inTransaction } from '../../data/db.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { type InviteLinkDeps, loadInviteLink, presentInviteLink } from './invite-link.ts';

/** The workspace's invite link with its settings (Super Admins): made the first time it is asked for. */
export async function getInviteLink(deps: InviteLinkDeps, actor: WorkspaceActor): Promise<InviteLink> {
  requireAccess(actor, 'invite_link:manage');
  const row = await inTransaction(deps.db, (tx) => loadInviteLink(deps, tx, actor.workspaceId, actor.userId));
  return presentInviteLink(deps, row);
}
