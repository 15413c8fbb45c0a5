import type { SuggestionList } from '../../contract/suggestions.ts';
import type { Db, Dialect } from '../../data/db.ts';
import { listSuggestions as listRows } from '../../data/suggestions.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { decodeCursor, encodeCursor } from '../members/cursor.ts';

/**
 * People to invite (SPEC §4.5, Super Admins only): verified accounts at the workspace's company
 * domain that are not members, not invited, not asking to join (a request that lapsed no longer
 * counts) and not dismissed, by email.
 */
export async function listSuggestions(
  deps: { db: Db; dialect: Dialect; clock: Clock },
  actor: WorkspaceActor,
  input: { cursor?: string; limit: number },
): Promise<SuggestionList> {
  requireAccess(actor, 'suggestions:view');
  const ws = await findWorkspace(deps.db, actor.workspaceId);
  if (!ws) throw notFound('Workspace');
  const domain = ws.company_domain;
  if (!domain) return { suggestions: [], nextCursor: null, companyDomain: null };
  const afterEmail = input.cursor ? (decodeCursor(input.cursor, 1)[0] as string) : null;
  const rows = await listRows(deps.db, deps.dialect, ws.id, {
    domain,
    afterEmail,
    limit: input.limit,
    now: deps.clock.now(),
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    suggestions: page.map((r) => ({ userId: r.id, email: r.email, name: r.name })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.email]) : null,
    companyDomain: domain,
  };
}
