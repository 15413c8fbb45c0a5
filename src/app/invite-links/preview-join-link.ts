import type { JoinLinkPreview } from '../../contract/invitations.ts';
import type { Db } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import { liveLink } from './invite-link.ts';

/** What `/join/:token` shows before anyone signs in: the workspace, the role, whether approval is needed. */
export async function previewJoinLink(
  deps: { db: Db; clock: Clock; linkSecret: string },
  token: string,
): Promise<JoinLinkPreview> {
  const { target, link } = await liveLink(deps.linkSecret, deps.db, token, deps.clock.now());
  return {
    workspace: { id: target.id, name: target.name },
    role: link.role as JoinLinkPreview['role'],
    requiresApproval: target.require_approval === 1,
  };
}
