import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { insertDismissal, listSuggestions } from '../../data/suggestions.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';

/** Stops suggesting someone in this workspace (Super Admins); only a current suggestion can be dismissed. */
export async function dismissSuggestion(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: WorkspaceActor,
  input: { userId: string },
): Promise<void> {
  requireAccess(actor, 'suggestion:dismiss');
  const ws = await findWorkspace(deps.db, actor.workspaceId);
  const domain = ws?.company_domain;
  const now = deps.clock.now();
  const found = domain
    ? await listSuggestions(deps.db, deps.dialect, actor.workspaceId, {
        domain,
        afterEmail: null,
        limit: 1,
        now,
        userId: input.userId,
      })
    : [];
  const person = found[0];
  if (!person) throw notFound('Suggestion');
  await inTransaction(deps.db, async (tx) => {
    const dismissal = { workspaceId: actor.workspaceId, userId: input.userId, dismissedBy: actor.userId };
    // Dismissed meanwhile by a call that found it too: that one is audited, this one is a 404 as after it.
    if (!(await insertDismissal(tx, dismissal, now))) throw notFound('Suggestion');
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: actor.workspaceId,
          actor: actorRef(actor),
          action: 'suggestion.dismiss',
          target: { type: 'user', id: input.userId, label: person.email },
        },
      ],
      now,
    );
  });
}
