import type { CreateWorkspaceBody, Workspace } from '../../contract/workspaces.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { type Db, inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { insertMembership } from '../../data/members.repo.ts';
import { insertWorkspace } from '../../data/workspaces.repo.ts';
import { sortKey } from '../../domain/members.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccountAccess } from '../gate.ts';
import { presentWorkspace } from './present.ts';

/** Seats of a new workspace (SPEC §4.6). */
export const DEFAULT_SEATS = 5;

/** Any signed-in user creates a workspace and becomes its first Super Admin, using one seat. */
export async function createWorkspace(
  deps: { db: Db; clock: Clock },
  actor: Actor,
  input: CreateWorkspaceBody,
): Promise<Workspace> {
  requireAccountAccess(actor, 'workspace:create');
  const now = deps.clock.now();
  const row = {
    id: newId(now),
    name: input.name,
    require_approval: 0,
    company_domain: null,
    seat_limit: DEFAULT_SEATS,
    seats_used: 1,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(deps.db, async (tx) => {
    await insertWorkspace(tx, row);
    await insertMembership(
      tx,
      {
        workspaceId: row.id,
        userId: actor.userId,
        role: 'super_admin',
        email: actor.email,
        name: actor.name,
        sortKey: sortKey(actor.name, actor.email),
      },
      now,
    );
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: row.id,
          actor: actorRef(actor),
          action: 'workspace.create',
          target: { type: 'workspace', id: row.id, label: row.name },
          after: { name: row.name, seats: row.seat_limit },
        },
      ],
      now,
    );
  });
  return presentWorkspace(row, 'super_admin');
}
