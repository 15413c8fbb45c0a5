import type { ApiKey } from '../../contract/api-keys.ts';
import { listApiKeys as listApiKeyRows } from '../../data/api-keys.repo.ts';
import type { Db } from '../../data/db.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

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
      createdAt: new Date(r.created_at).toISOString(),
      expiresAt: iso(r.expires_at),
      lastUsedAt: iso(r.last_used_at),
      owner: { id: r.user_id, name: r.owner_name },
    })),
    nextCursor: null,
  };
}
