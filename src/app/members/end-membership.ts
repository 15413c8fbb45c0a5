import { revokeApiKeysOfUser } from '../../data/api-keys.repo.ts';
import type { Conn } from '../../data/db.ts';
import { deleteMembership, releaseSeat } from '../../data/members.repo.ts';
import { deleteNotificationsInWorkspace } from '../../data/notifications.repo.ts';

/**
 * What ends with a person's place in a workspace, however it ends (removed, leaving, the account
 * deleted), in the caller's transaction under the workspace lock: the membership, its seat, their
 * API keys for the workspace (revoked, not deleted: answered for the audit entries each gets) and
 * their notifications about it. What they own passes on separately (each caller names the heir).
 */
export async function endMembership(
  tx: Conn,
  workspaceId: string,
  userId: string,
  now: number,
): Promise<{ id: string; name: string; prefix: string }[]> {
  await deleteMembership(tx, workspaceId, userId);
  await releaseSeat(tx, workspaceId);
  const revoked = await revokeApiKeysOfUser(tx, workspaceId, userId, now);
  // What they were told about the workspace goes with their place in it (a join request's
  // notification would otherwise show decisions made after they left).
  await deleteNotificationsInWorkspace(tx, userId, workspaceId);
  return revoked;
}
