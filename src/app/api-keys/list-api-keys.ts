import type { ApiKey } from '../../contract/api-keys.ts';
import { isoTime, isoTimeOrNull } from '../../contract/time.ts';
import { listApiKeys as listApiKeyRows } from '../../data/api-keys.repo.ts';
import type { Db } from '../../data/db.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';

/** Super Admins see every live key of the workspace; Developers see their own. */
export async function listApiKeys(
  deps: { db: Db },
  actor: WorkspaceActor,
): Promise<{ apiKeys: ApiKey[]; nextCursor: null }> {
  const role = requireAccess(actor, 'api_keys:list');
  const rows = await listApiKeyRows(deps.db, actor.workspaceId, role === 'super_admin' ? null : actor.userId);
  return {
    apiKeys: rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      createdAt: isoTime(r.created_at),
      expiresAt: isoTimeOrNull(r.expires_at),
      lastUsedAt: isoTimeOrNull(r.last_used_at),
      owner: { id: r.user_id, name: r.owner_name },
    })),
    nextCursor: null,
  };
}
