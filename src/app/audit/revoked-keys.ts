import type { Role } from '../../contract/roles.ts';
import type { AuditEntry } from '../../data/audit.repo.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from './actor-label.ts';

/** Why keys were revoked without anyone revoking them by hand (SPEC §8: a key dies with its owner's API access). */
type KeyRevokeReason =
  | { reason: 'role_change'; role: Role }
  | { reason: 'member_remove' }
  | { reason: 'member_leave' }
  | { reason: 'account_delete' };

/**
 * One `api_key.revoke` audit entry per key a membership change revoked (SPEC §9: every change to
 * keys is audited), by the person who made the change, saying why (contract/audit-words.ts).
 */
export function revokedKeyEntries(
  actor: Actor,
  workspaceId: string,
  owner: { email: string },
  keys: readonly { id: string; name: string; prefix: string }[],
  why: KeyRevokeReason,
): AuditEntry[] {
  return keys.map((key) => ({
    workspaceId,
    actor: actorRef(actor),
    action: 'api_key.revoke',
    target: { type: 'api_key', id: key.id, label: `${key.name} (${key.prefix}…)` },
    after: { ...why, ownerEmail: owner.email },
  }));
}
