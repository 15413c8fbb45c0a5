import type { InviteLink } from '../../contract/invitations.ts';
import { findInviteLink } from '../../data/invite-links.repo.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { defaultLink, type InviteLinkDeps, presentInviteLink } from './invite-link.ts';

/**
 * The workspace's invite link with its settings (Super Admins). A read writes nothing: a
 * workspace whose link nobody changed yet shows the defaults (on, Viewer, no expiry, no limit).
 */
export async function getInviteLink(deps: InviteLinkDeps, actor: WorkspaceActor): Promise<InviteLink> {
  requireAccess(actor, 'invite_link:manage');
  const row = await findInviteLink(deps.db, actor.workspaceId);
  return presentInviteLink(deps, actor.workspaceId, row ?? defaultLink);
}
