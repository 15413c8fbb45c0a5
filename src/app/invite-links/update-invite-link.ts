import type { InviteLink, UpdateInviteLinkBody } from '../../contract/invitations.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { findInviteLink, type InviteLinkPatch, upsertInviteLink } from '../../data/invite-links.repo.ts';
import { invalid } from '../../domain/errors.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { defaultLink, type InviteLinkDeps, type LinkSettings, presentInviteLink } from './invite-link.ts';

/** Turns the link on or off, sets the role its joiners get, its expiry and its number of uses. */
export async function updateInviteLink(
  deps: InviteLinkDeps,
  actor: WorkspaceActor,
  input: UpdateInviteLinkBody,
): Promise<InviteLink> {
  requireAccess(actor, 'invite_link:manage');
  const ws = actor.workspaceId;
  const row = await inTransaction(deps.db, async (tx) => {
    const before: LinkSettings = (await findInviteLink(tx, ws)) ?? defaultLink;
    const now = deps.clock.now();
    const patch: InviteLinkPatch = {};
    if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
    if (input.role !== undefined) patch.role = input.role;
    if (input.expiresAt !== undefined) {
      const at = input.expiresAt === null ? null : Date.parse(input.expiresAt);
      if (at !== null && at <= now) throw invalid('expiresAt', 'Must be in the future');
      patch.expires_at = at;
    }
    if (input.maxUses !== undefined) {
      if (input.maxUses !== null && input.maxUses < before.uses) {
        throw invalid(
          'maxUses',
          `The link has been used ${before.uses} times already: allow at least that many, or rotate it to count from 0`,
        );
      }
      patch.max_uses = input.maxUses;
    }
    const changed = (Object.keys(patch) as (keyof InviteLinkPatch)[]).filter((k) => patch[k] !== before[k]);
    if (changed.length === 0) return before;
    await upsertInviteLink(tx, ws, patch, actor.userId, now);
    const after: LinkSettings = { ...before, ...patch };
    // The audit log shows the settings as the API names them.
    const shown = (row: typeof before) => {
      const api = presentInviteLink(deps, ws, row);
      const fields = {
        enabled: api.enabled,
        role: api.role,
        expires_at: api.expiresAt,
        max_uses: api.maxUses,
      };
      const names = {
        enabled: 'enabled',
        role: 'role',
        expires_at: 'expiresAt',
        max_uses: 'maxUses',
      } as const;
      return Object.fromEntries(
        changed.map((k) => [names[k as keyof typeof names], fields[k as keyof typeof fields]]),
      );
    };
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'invite_link.update',
          target: { type: 'invite_link', id: ws, label: 'Invite link' },
          before: shown(before),
          after: shown(after),
        },
      ],
      now,
    );
    return after;
  });
  return presentInviteLink(deps, ws, row);
}
