import type { WorkspaceList } from '../../contract/workspaces.ts';
import type { Db } from '../../data/db.ts';
import { listWorkspacesOfUser } from '../../data/workspaces.repo.ts';
import type { Actor } from '../actor.ts';
import { withinReach } from '../gate.ts';
import { presentWorkspace } from './present.ts';

/** The workspaces the caller belongs to that the credential reaches, by name. A person belongs to few, so one page holds them all. */
export async function listWorkspaces(deps: { db: Db }, actor: Actor): Promise<WorkspaceList> {
  const rows = withinReach(actor, await listWorkspacesOfUser(deps.db, actor.userId));
  return { workspaces: rows.map((r) => presentWorkspace(r, r.role)), nextCursor: null };
}
