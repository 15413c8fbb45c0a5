import type { Billing } from '../../contract/billing.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { insertSeatPurchase, setSeatLimit } from '../../data/billing.repo.ts';
import { type Db, type Dialect, inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { lockWorkspace } from '../../data/members.repo.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { PaymentProvider } from '../../infra/payments.ts';
import type { WorkspaceActor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireAccess } from '../gate.ts';
import { getBilling } from './get-billing.ts';

/**
 * Sets the workspace's seat count (SPEC §4.6). More seats are charged through the payment provider
 * first; fewer are allowed down to the seats in use, never below. Every change is recorded with
 * who, when, before and after, in the same transaction as the change.
 *
 * The count is read, priced and changed under the workspace's lock (a row lock on PostgreSQL; on
 * SQLite the transaction itself), so two changes at once are priced one after the other, each from
 * the count the other left. The charge runs inside the transaction: should the transaction be
 * run again (PostgreSQL deadlock), the provider gets the same idempotency key.
 */
export async function setSeats(
  deps: { db: Db; dialect: Dialect; clock: Clock; payments: PaymentProvider },
  actor: WorkspaceActor,
  input: { seats: number },
): Promise<Billing> {
  requireAccess(actor, 'billing:update');
  const ws = actor.workspaceId;
  const tooFew = (used: number) =>
    new DomainError('conflict', `${used} seats are in use: remove members before going below ${used}`, [
      { path: 'seats', message: `Must be at least ${used}, the seats in use` },
    ]);
  // Made under the lock (so purchases are numbered in the order they happen), once: a transaction
  // run again keeps it, and so the provider sees the same idempotency key.
  let purchaseId: string | undefined;

  await inTransaction(deps.db, async (tx) => {
    const before = await lockWorkspace(tx, deps.dialect, ws);
    if (!before) throw notFound('Workspace');
    purchaseId ??= newId(deps.clock.now());
    if (input.seats < before.seats_used) throw tooFew(before.seats_used);
    if (input.seats === before.seat_limit) return;

    const charge =
      input.seats > before.seat_limit
        ? await deps.payments.chargeSeats({
            workspaceId: ws,
            actorId: actor.userId,
            from: before.seat_limit,
            to: input.seats,
            idempotencyKey: purchaseId,
          })
        : { reference: 'reduction' };

    const now = deps.clock.now();
    if (!(await setSeatLimit(tx, ws, input.seats, now))) throw tooFew(before.seats_used);
    await insertSeatPurchase(tx, {
      id: purchaseId,
      workspace_id: ws,
      actor_id: actor.userId,
      seats_before: before.seat_limit,
      seats_after: input.seats,
      provider: deps.payments.name,
      provider_ref: charge.reference,
      created_at: now,
    });
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: ws,
          actor: actorRef(actor),
          action: 'seats.change',
          target: { type: 'workspace', id: ws, label: before.name },
          before: { seats: before.seat_limit },
          after: { seats: input.seats },
        },
      ],
      now,
    );
  });
  return getBilling(deps, actor);
}
