import { type CompanyDomainOptions, Domain } from '../../contract/workspaces.ts';
import type { Db } from '../../data/db.ts';
import { listSuperAdminVerifiedEmails } from '../../data/workspaces.repo.ts';
import { companyDomainOptions } from '../../domain/company-domain.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';

/**
 * What the settings page offers as the company domain (Super Admins, as changing it): what
 * `companyDomainProblem` accepts and the route's `Domain` rule lets through (an address's domain
 * can be one it refuses, `acme-.io`), so that choosing one never fails.
 */
export async function listCompanyDomainOptions(
  deps: { db: Db },
  actor: WorkspaceActor,
): Promise<CompanyDomainOptions> {
  requireAccess(actor, 'workspace:update');
  const emails = await listSuperAdminVerifiedEmails(deps.db, actor.workspaceId);
  return { options: companyDomainOptions(emails).filter((d) => Domain.safeParse(d).success) };
}
