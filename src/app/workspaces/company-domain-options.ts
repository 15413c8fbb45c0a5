import type { CompanyDomainOptions } from '../../contract/workspaces.ts';
import type { Db } from '../../data/db.ts';
import { listSuperAdminVerifiedEmails } from '../../data/workspaces.repo.ts';
import { companyDomainOptions } from '../../domain/company-domain.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';

/** What the settings page offers as the company domain (Super Admins, as changing it). */
export async function listCompanyDomainOptions(
  deps: { db: Db },
  actor: WorkspaceActor,
): Promise<CompanyDomainOptions> {
  requireAccess(actor, 'workspace:update');
  return { options: companyDomainOptions(await listSuperAdminVerifiedEmails(deps.db, actor.workspaceId)) };
}
