import type { UpdateWorkspaceBody, Workspace } from '../../contract/workspaces.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import {
  findWorkspace,
  listSuperAdminVerifiedEmails,
  updateWorkspace as updateWorkspaceRow,
  type WorkspacePatch,
} from '../../data/workspaces.repo.ts';
import { companyDomainProblem } from '../../domain/company-domain.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { authorize, type WorkspaceActor } from '../actor.ts';
import { presentWorkspace } from './present.ts';

/** Workspace settings (SPEC §2): Super Admins only. */
export async function updateWorkspace(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: UpdateWorkspaceBody,
): Promise<Workspace> {
  const role = authorize(actor, 'workspace:settings');
  const patch: WorkspacePatch = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.requireApproval !== undefined) patch.require_approval = input.requireApproval ? 1 : 0;
  const row = await inTransaction(deps.db, async (tx) => {
    if (input.companyDomain !== undefined) {
      if (input.companyDomain !== null) {
        const problem = companyDomainProblem(
          input.companyDomain,
          await listSuperAdminVerifiedEmails(tx, actor.workspaceId),
        );
        if (problem) throw invalid('companyDomain', problem);
      }
      patch.company_domain = input.companyDomain;
    }
    await updateWorkspaceRow(tx, actor.workspaceId, patch, deps.clock.now());
    return findWorkspace(tx, actor.workspaceId);
  });
  if (!row) throw notFound('Workspace');
  return presentWorkspace(row, role);
}
