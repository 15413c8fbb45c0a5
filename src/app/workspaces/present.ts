import type { Role } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import type { Workspace } from '../../contract/workspaces.ts';
import type { WorkspaceRow } from '../../data/workspaces.repo.ts';

export function presentWorkspace(
  row: Omit<WorkspaceRow, 'members_version' | 'items_version' | 'grants_version'>,
  role: Role,
): Workspace {
  return {
    id: row.id,
    name: row.name,
    requireApproval: row.require_approval === 1,
    companyDomain: row.company_domain,
    seats: row.seat_limit,
    seatsUsed: row.seats_used,
    role,
    createdAt: isoTime(row.created_at),
  };
}
