import type { JoinLinkPreview } from '../../contract/invitations.ts';
import type { Db } from '../../data/db.ts';
import { findInviteLinkByTokenHash } from '../../data/invite-links.repo.ts';
import type { Clock } from '../../infra/clock.ts';
import { hashToken } from '../../infra/tokens.ts';
import { deadLink } from './invite-link.ts';

/** What `/join/:token` shows before anyone signs in: the workspace, the role, whether approval is needed. */
export async function previewJoinLink(
  deps: { db: Db; clock: Clock },
  token: string,
): Promise<JoinLinkPreview> {
  const link = await findInviteLinkByTokenHash(deps.db, hashToken(token));
  const dead = deadLink(link, deps.clock.now());
  if (dead || !link) throw dead;
  return {
    workspace: { id: link.workspace_id, name: link.workspace_name },
    role: link.role,
    requiresApproval: link.require_approval === 1,
  };
}
