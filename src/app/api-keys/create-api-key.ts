import type { z } from 'zod';
import type { CreatedApiKey } from '../../contract/api-keys.ts';
import { isoTime } from '../../contract/time.ts';
import { insertApiKey } from '../../data/api-keys.repo.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import type { Clock } from '../../infra/clock.ts';
import { hashToken, newToken } from '../../infra/tokens.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess, requireAccessUnderLock } from '../gate.ts';

export const API_KEY_PREFIX = 'trp_';
const DAY = 24 * 60 * 60 * 1000;

/**
 * A Developer or Super Admin creates a key for this workspace. The key is shown once; we keep its hash.
 * The role is checked again under the workspace's lock before the key is written: a demotion below
 * Developer revokes the person's keys under that lock, so a key made while they were being demoted
 * would otherwise be written after the revocation and outlive it.
 */
export async function createApiKey(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: WorkspaceActor,
  input: { name: string; expiresInDays?: number | null },
): Promise<z.infer<typeof CreatedApiKey>> {
  requireAccess(actor, 'api_key:create');
  const key = `${API_KEY_PREFIX}${newToken()}`;
  const now = deps.clock.now();
  const row = {
    id: newId(now),
    workspace_id: actor.workspaceId,
    user_id: actor.userId,
    name: input.name,
    prefix: key.slice(0, 12),
    key_hash: hashToken(key),
    expires_at: input.expiresInDays ? now + input.expiresInDays * DAY : null,
    last_used_at: null,
    revoked_at: null,
    created_at: now,
  };
  await inTransaction(deps.db, async (tx) => {
    await requireAccessUnderLock(tx, deps.dialect, actor, 'api_key:create', actor.userId);
    await insertApiKey(tx, row);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: actor.workspaceId,
          actor: actorRef(actor),
          action: 'api_key.create',
          target: { type: 'api_key', id: row.id, label: `${row.name} (${row.prefix}…)` },
          after: {
            name: row.name,
            expiresAt: row.expires_at ? isoTime(row.expires_at) : null,
          },
        },
      ],
      now,
    );
  });
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: isoTime(now),
    expiresAt: row.expires_at ? isoTime(row.expires_at) : null,
    lastUsedAt: null,
    owner: { id: actor.userId, name: actor.name },
    key,
  };
}
