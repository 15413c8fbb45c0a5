import type { Billing } from '../../contract/billing.ts';
import { isoTime } from '../../contract/time.ts';
import { listSeatPurchases } from '../../data/billing.repo.ts';
import type { Db } from '../../data/db.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { notFound } from '../../domain/errors.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';

export async function getBilling(deps: { db: Db }, actor: WorkspaceActor): Promise<Billing> {
  requireAccess(actor, 'billing:view');
  const [ws, purchases] = await Promise.all([
    findWorkspace(deps.db, actor.workspaceId),
    listSeatPurchases(deps.db, actor.workspaceId, 100),
  ]);
  if (!ws) throw notFound('Workspace');
  return {
    seats: ws.seat_limit,
    seatsUsed: ws.seats_used,
    purchases: purchases.map((p) => ({
      id: p.id,
      actor: { id: p.actor_id, name: p.actor_name ?? 'Former member' },
      seatsBefore: p.seats_before,
      seatsAfter: p.seats_after,
      provider: p.provider,
      reference: p.provider_ref,
      createdAt: isoTime(p.created_at),
    })),
  };
}
