import type { DeleteWorkspaceBody } from '../../contract/workspaces.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { deleteWorkspace as deleteWorkspaceRow, findWorkspace } from '../../data/workspaces.repo.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';

/** Deletes the workspace and everything in it. Super Admins only, after typing its exact name. */
export async function deleteWorkspace(
  deps: { db: Db },
  actor: WorkspaceActor,
  input: DeleteWorkspaceBody,
): Promise<void> {
  requireAccess(actor, 'workspace:delete');
  await inTransaction(deps.db, async (tx) => {
    const row = await findWorkspace(tx, actor.workspaceId);
    if (!row) throw notFound('Workspace');
    if (input.confirmName !== row.name) {
      throw invalid('confirmName', 'Type the workspace name exactly as shown to confirm');
    }
    await deleteWorkspaceRow(tx, actor.workspaceId);
  });
}
