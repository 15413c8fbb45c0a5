import type { UpdateWorkspaceBody, Workspace } from '../../contract/workspaces.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
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
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { presentWorkspace } from './present.ts';

/** Workspace settings (SPEC §2): Super Admins only. */
export async function updateWorkspace(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: UpdateWorkspaceBody,
): Promise<Workspace> {
  const role = requireAccess(actor, 'workspace:update');
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
    const before = await findWorkspace(tx, actor.workspaceId);
    if (!before) throw notFound('Workspace');
    const now = deps.clock.now();
    await updateWorkspaceRow(tx, actor.workspaceId, patch, now);
    const changed = (Object.keys(patch) as (keyof WorkspacePatch)[]).filter((k) => patch[k] !== before[k]);
    if (changed.length > 0) {
      await insertAuditEvents(
        tx,
        [
          {
            workspaceId: actor.workspaceId,
            actor: actorRef(actor),
            action: 'workspace.update',
            target: { type: 'workspace', id: actor.workspaceId, label: before.name },
            before: Object.fromEntries(changed.map((k) => [k, before[k]])),
            after: Object.fromEntries(changed.map((k) => [k, patch[k]])),
          },
        ],
        now,
      );
    }
    return findWorkspace(tx, actor.workspaceId);
  });
  if (!row) throw notFound('Workspace');
  return presentWorkspace(row, role);
}
