import type { Db } from '../../data/db.ts';
import { findLastSeq, listNotificationsAfter } from '../../data/notifications.repo.ts';
import type { BusEvent, NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { notificationReach } from '../gate.ts';
import { presentNotification } from './notify.ts';

/** One event for the stream: the SSE `id` and the notification JSON for `data`. */
export interface StreamEvent {
  seq: number;
  json: string;
}

export interface NotificationStream {
  /** Starts sending: first what was missed since `Last-Event-ID`, then live events, in order. */
  start(send: (e: StreamEvent) => void): void;
  close(): void;
}

const PAGE = 500;

/**
 * A live feed of the caller's notifications (SPEC §7). Each user's notifications are numbered
 * 1, 2, 3, ... without holes, in commit order (data/notifications.repo.ts), so the stream keeps the
 * last number it sent and: drops an event it already sent (a repeat), sends the next one, and
 * reads any it did not receive from the table (a hole: an event lost between processes, or a
 * listener that reconnected). `lastEventId` resumes after that number; one that is not a number
 * this user has had starts a clean stream from now. An API key's stream carries only its
 * workspace's notifications (app/gate.ts, `notificationReach`).
 */
export async function openNotificationStream(
  deps: { db: Db; clock: Clock; bus: NotificationBus },
  actor: Actor,
  lastEventId: string | undefined,
): Promise<NotificationStream> {
  const reach = notificationReach(actor);
  let send: ((e: StreamEvent) => void) | null = null;
  let closed = false;
  const early: BusEvent[] = [];
  /** Work on the stream, one piece at a time and in order (a fill reads the database). */
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  const enqueue = (work: () => void | Promise<void>) => {
    pending += 1;
    chain = chain
      .then(() => (closed ? undefined : work()))
      .catch(() => {})
      .finally(() => {
        pending -= 1;
      });
  };
  // Subscribe before reading where we stand, so nothing committed in between is missed.
  const unsubscribe = deps.bus.subscribe(reach.userId, (e) => {
    if (!send) early.push(e);
    // The usual case, the next event with nothing queued, is sent at once: one event to thousands
    // of streams costs no promise per stream.
    else if (pending === 0 && e.seq === sent + 1 && e.json !== '') {
      emit(e.seq, e.workspaceId, e.json);
      sent = e.seq;
    } else enqueue(() => deliver(e));
  });
  // Before start() the stream reads where it stands anyway; after, it catches up from the table.
  const unresync = deps.bus.onResync(() => {
    if (send) enqueue(() => fill(null));
  });

  let sent: number;
  try {
    sent = await findLastSeq(deps.db, reach.userId);
  } catch (err) {
    unsubscribe();
    unresync();
    throw err;
  }
  const asked = lastEventId !== undefined && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : null;
  // 1..sent: a number this person has had. 0 was never an event's id (seq starts at 1): it starts
  // from now like any other id they never had, not a replay of their whole history.
  const resumeFrom = asked !== null && asked >= 1 && asked <= sent ? asked : null;
  if (resumeFrom !== null) sent = resumeFrom;

  const emit = (seq: number, workspaceId: string, json: string) => {
    if (reach.workspaceId === null || workspaceId === reach.workspaceId) send?.({ seq, json });
  };
  /** Reads from the table what follows `sent` (up to `upto`), and sends it. */
  const fill = async (upto: number | null) => {
    for (;;) {
      const rows = await listNotificationsAfter(deps.db, reach.userId, sent, upto, PAGE);
      const now = deps.clock.now();
      for (const r of rows) {
        if (closed) return;
        emit(Number(r.seq), r.workspace_id, JSON.stringify(presentNotification(r, now)));
        sent = Number(r.seq);
      }
      if (rows.length < PAGE) break;
    }
    // Rows deleted with their workspace leave holes the table cannot fill: move past them.
    if (upto !== null && upto > sent) sent = upto;
  };
  const deliver = async (e: BusEvent) => {
    if (e.seq <= sent) return;
    if (e.seq === sent + 1 && e.json !== '') {
      emit(e.seq, e.workspaceId, e.json);
      sent = e.seq;
      return;
    }
    await fill(e.seq);
  };

  return {
    start(fn) {
      send = fn;
      if (resumeFrom !== null) enqueue(() => fill(null));
      for (const e of early.splice(0)) enqueue(() => deliver(e));
    },
    close() {
      closed = true;
      send = null;
      unsubscribe();
      unresync();
    },
  };
}
