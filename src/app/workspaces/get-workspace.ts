import type { Workspace } from '../../contract/workspaces.ts';
import type { Db } from '../../data/db.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { presentWorkspace } from './present.ts';

export async function getWorkspace(deps: { db: Db }, actor: WorkspaceActor): Promise<Workspace> {
  const role = requireAccess(actor, 'workspace:view');
  const row = await findWorkspace(deps.db, actor.workspaceId);
  if (!row) throw notFound('Workspace');
  return presentWorkspace(row, role);
}
