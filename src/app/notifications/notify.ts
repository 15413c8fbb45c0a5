import type { Notification, NotificationData, NotificationKind } from '../../contract/notifications.ts';
import { isoTime } from '../../contract/time.ts';
import { type Conn, type Db, inTransaction } from '../../data/db.ts';
import { listSuperAdmins, type SeatsAfterClaim } from '../../data/members.repo.ts';
import {
  hasUnread,
  insertNotifications,
  type NotificationRow,
  type NotificationView,
  notificationsPart,
} from '../../data/notifications.repo.ts';
import { findWorkspace } from '../../data/workspaces.repo.ts';
import { noSeatLeft } from '../../domain/members.ts';
import type { BusEvent, NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';

/** One notification to write: its kind's data is checked by the compiler. */
export type Note = {
  [K in NotificationKind]: {
    userId: string;
    workspaceId: string;
    kind: K;
    subjectId?: string | null;
    data: NotificationData<K>;
  };
}[NotificationKind];

/**
 * Writes notifications in the caller's transaction (rows first); after the commit, pass what this
 * returns to `publish` (events second). A reconnecting stream replays from the rows.
 */
export async function writeNotes(tx: Conn, notes: Note[], now: number): Promise<NotificationRow[]> {
  if (notes.length === 0) return [];
  return insertNotifications(tx, notes.map(asNew), now);
}

/**
 * `writeNotes` as a part of a use case's `writeTogether` (data/write-together.ts): its `rows`, once
 * written, are what to `publish` after the commit.
 */
export const notesPart = (notes: Note[], now: number) => notificationsPart(notes.map(asNew), now);

function asNew(n: Note) {
  return {
    userId: n.userId,
    workspaceId: n.workspaceId,
    kind: n.kind,
    subjectId: n.subjectId ?? null,
    // A join request's status is read with the notification, never stored in it.
    data: n.kind === 'join_request' ? { ...n.data, requestStatus: undefined } : n.data,
  };
}

/**
 * A stored notification as the API shows it (a join request with its status as it is now). A row
 * just written (no status read with it: `request_status` undefined) is about a request just made,
 * pending; a join request read with the table and no longer there (null: gone with its requester's
 * account, written before such notifications went with it) is `expired`, never `pending`: nothing
 * is left to approve.
 */
export function presentNotification(row: NotificationRow | NotificationView, now: number): Notification {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  if (row.kind === 'join_request') {
    const v = row as Partial<NotificationView>;
    const status = v.request_status;
    const gone = status === null || (status === 'pending' && (v.request_expires_at ?? 0) <= now);
    data.requestStatus = status === undefined ? 'pending' : gone ? 'expired' : status;
    // As the request is now (a lapsed request asked again lapses later), when read with it; a row
    // just written keeps the new request's own; none once decided or lapsed.
    if (data.requestStatus !== 'pending') delete data.requestExpiresAt;
    else if (typeof v.request_expires_at === 'number') data.requestExpiresAt = isoTime(v.request_expires_at);
  }
  return {
    id: row.id,
    seq: Number(row.seq),
    workspaceId: row.workspace_id,
    kind: row.kind,
    read: row.read_at !== null,
    createdAt: isoTime(row.created_at),
    data,
  } as Notification;
}

/** After the commit: the written notifications to their users' open streams. */
export function publishNotes(bus: NotificationBus, rows: NotificationRow[], now: number): void {
  if (rows.length === 0) return;
  const events: BusEvent[] = rows.map((r) => ({
    userId: r.user_id,
    seq: Number(r.seq),
    workspaceId: r.workspace_id,
    json: JSON.stringify(presentNotification(r, now)),
  }));
  bus.publish(events);
}

/** The same notification to every Super Admin of the workspace (but `except`). */
export async function toSuperAdmins<K extends NotificationKind>(
  tx: Conn,
  workspaceId: string,
  kind: K,
  data: NotificationData<K>,
  opts: { subjectId?: string; except?: string } = {},
): Promise<Note[]> {
  return notesTo(await listSuperAdmins(tx, workspaceId), workspaceId, kind, data, opts);
}

/** The same notification to each of `admins` (but `except`): for a caller that needs the list too. */
export function notesTo<K extends NotificationKind>(
  admins: readonly { user_id: string }[],
  workspaceId: string,
  kind: K,
  data: NotificationData<K>,
  opts: { subjectId?: string; except?: string } = {},
): Note[] {
  return admins
    .filter((a) => a.user_id !== opts.except)
    .map((a) => ({ userId: a.user_id, workspaceId, kind, subjectId: opts.subjectId ?? null, data }) as Note);
}

/**
 * "Seat limit reached" for the Super Admins, when the workspace's last seat was just taken, or when
 * `turnedAway` could not join for want of a seat. Not repeated to an admin who has one unread.
 */
export async function seatLimitNotes(
  tx: Conn,
  workspaceId: string,
  turnedAway: { name: string; email: string } | null,
  /** The workspace's name and its seats as the caller's claim left them (claimSeat): not read again. */
  known?: { name: string; seats: SeatsAfterClaim },
): Promise<Note[]> {
  const ws = known
    ? { name: known.name, seats_used: known.seats.seatsUsed, seat_limit: known.seats.seatLimit }
    : await findWorkspace(tx, workspaceId);
  if (!ws || !noSeatLeft({ seatsUsed: ws.seats_used, seatLimit: ws.seat_limit })) return [];
  const notes = await toSuperAdmins(tx, workspaceId, 'seat_limit_reached', {
    workspace: { id: workspaceId, name: ws.name },
    seats: ws.seat_limit,
    seatsUsed: ws.seats_used,
    turnedAway,
  });
  const fresh: Note[] = [];
  for (const n of notes) {
    if (!(await hasUnread(tx, n.userId, workspaceId, 'seat_limit_reached'))) fresh.push(n);
  }
  return fresh;
}

/**
 * Someone was refused for want of a seat (their transaction rolled back): the Super Admins hear of
 * it in a transaction of its own.
 */
export async function noteTurnedAway(
  deps: { db: Db; clock: Clock; bus: NotificationBus },
  workspaceId: string,
  person: { name: string; email: string },
): Promise<void> {
  const now = deps.clock.now();
  const rows = await inTransaction(deps.db, async (tx) =>
    writeNotes(tx, await seatLimitNotes(tx, workspaceId, person), now),
  );
  publishNotes(deps.bus, rows, now);
}
