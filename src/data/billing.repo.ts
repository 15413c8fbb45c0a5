import type { Conn } from './db.ts';
import type { SeatPurchasesTable } from './schema.ts';

export async function insertSeatPurchase(conn: Conn, row: SeatPurchasesTable): Promise<void> {
  await conn.insertInto('seat_purchases').values(row).execute();
}

export async function listSeatPurchases(conn: Conn, workspaceId: string, limit: number) {
  return conn
    .selectFrom('seat_purchases as p')
    .leftJoin('user as u', 'u.id', 'p.actor_id')
    .select([
      'p.id',
      'p.actor_id',
      'u.name as actor_name',
      'p.seats_before',
      'p.seats_after',
      'p.provider',
      'p.provider_ref',
      'p.created_at',
    ])
    .where('p.workspace_id', '=', workspaceId)
    .orderBy('p.id', 'desc')
    .limit(limit)
    .execute();
}

/** Sets the seat count, never below the seats in use (checked in the same statement). */
export async function setSeatLimit(
  conn: Conn,
  workspaceId: string,
  seats: number,
  now: number,
): Promise<boolean> {
  const res = await conn
    .updateTable('workspaces')
    .set({ seat_limit: seats, updated_at: now })
    .where('id', '=', workspaceId)
    .where('seats_used', '<=', seats)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
