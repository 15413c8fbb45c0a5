import { findApiKey, revokeApiKey as revokeApiKeyRow } from '../../data/api-keys.repo.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { forbidden, notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';

/** Owners revoke their keys; Super Admins revoke anyone's. The key stops working at once. */
export async function revokeApiKey(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: { keyId: string },
) {
  const role = requireAccess(actor, 'api_key:revoke');
  const ws = actor.workspaceId;
  await inTransaction(deps.db, async (tx) => {
    const key = await findApiKey(tx, ws, input.keyId);
    if (!key) throw notFound('API key');
    if (key.user_id !== actor.userId && role !== 'super_admin')
      throw forbidden('Only its owner or a Super Admin can revoke this key');
    const now = deps.clock.now();
    await revokeApiKeyRow(tx, ws, key.id, now);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'api_key.revoke',
          target: { type: 'api_key', id: key.id, label: `${key.name} (${key.prefix}…)` },
        },
      ],
      now,
    );
  });
}
