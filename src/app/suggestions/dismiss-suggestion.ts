import type { Db, Dialect } from '../../data/db.ts';
import { insertDismissal, listSuggestions } from '../../data/suggestions.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
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
  const found = domain
    ? await listSuggestions(deps.db, deps.dialect, actor.workspaceId, {
        domain,
        afterEmail: null,
        limit: 1,
        userId: input.userId,
      })
    : [];
  if (found.length === 0) throw notFound('Suggestion');
  await insertDismissal(
    deps.db,
    { workspaceId: actor.workspaceId, userId: input.userId, dismissedBy: actor.userId },
    deps.clock.now(),
  );
}
