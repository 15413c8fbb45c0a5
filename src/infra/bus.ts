import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * One notification on its way to the open streams of its user. `json` is the notification as the
 * API presents it; `seq` is the user's own number for it (the SSE event id).
 */
export interface BusEvent {
  userId: string;
  seq: number;
  workspaceId: string;
  json: string;
}

/**
 * Publish/subscribe of notification events (docs/ARCHITECTURE.md, "Live notifications").
 * Notifications are rows first: publish only after the transaction that wrote them committed.
 * Delivery is best effort; a subscriber that may have missed events is told (`onResync`) and
 * reads them from the table.
 */
export interface NotificationBus {
  publish(events: BusEvent[]): void;
  /** Events for one user; returns the unsubscribe. */
  subscribe(userId: string, listener: (e: BusEvent) => void): () => void;
  /** Events may have been lost (the PostgreSQL listener reconnected): read what you missed. */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Subscribers of one process, by user. */
class LocalFanOut {
  readonly #byUser = new Map<string, Set<(e: BusEvent) => void>>();
  readonly #resync = new Set<() => void>();

  deliver(events: BusEvent[]): void {
    for (const e of events) {
      const listeners = this.#byUser.get(e.userId);
      if (!listeners) continue;
      for (const l of listeners) l(e);
    }
  }
  subscribe(userId: string, listener: (e: BusEvent) => void): () => void {
    let set = this.#byUser.get(userId);
    if (!set) {
      set = new Set();
      this.#byUser.set(userId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#byUser.get(userId) === set) this.#byUser.delete(userId);
    };
  }
  onResync(listener: () => void): () => void {
    this.#resync.add(listener);
    return () => this.#resync.delete(listener);
  }
  resync(): void {
    for (const l of this.#resync) l();
  }
}

/** The embedded default (SQLite, one process): events go straight to this process's streams. */
export function createLocalBus(): NotificationBus {
  const local = new LocalFanOut();
  return {
    // After the publisher's own work: a stream never sees an event before its commit returned.
    publish: (events) => queueMicrotask(() => local.deliver(events)),
    subscribe: (userId, l) => local.subscribe(userId, l),
    onResync: (l) => local.onResync(l),
    close: async () => {},
  };
}

export const NOTIFY_CHANNEL = 'troupe_notifications';
/** PostgreSQL's NOTIFY payload limit is 8000 bytes; stay well under it. */
const MAX_PAYLOAD = 7000;

/** Events packed into NOTIFY payloads of at most MAX_PAYLOAD bytes: `{"o": origin, "e": [...]}`. */
export function packPayloads(origin: string, events: BusEvent[]): string[] {
  const out: string[] = [];
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length) out.push(`{"o":${JSON.stringify(origin)},"e":[${batch.join(',')}]}`);
    batch = [];
    size = 0;
  };
  for (const e of events) {
    const one = JSON.stringify([e.userId, e.seq, e.workspaceId, e.json]);
    // A notification too large for NOTIFY travels without its body; subscribers read it from the table.
    const item =
      Buffer.byteLength(one) > MAX_PAYLOAD - 100 ? JSON.stringify([e.userId, e.seq, e.workspaceId, '']) : one;
    if (size + Buffer.byteLength(item) + 1 > MAX_PAYLOAD - 100) flush();
    batch.push(item);
    size += Buffer.byteLength(item) + 1;
  }
  flush();
  return out;
}

export function unpackPayload(payload: string): { origin: string; events: BusEvent[] } | null {
  try {
    const p = JSON.parse(payload) as { o: string; e: [string, number, string, string][] };
    return {
      origin: p.o,
      events: p.e.map(([userId, seq, workspaceId, json]) => ({ userId, seq, workspaceId, json })),
    };
  } catch {
    return null;
  }
}

/**
 * PostgreSQL (several processes on one database): every process LISTENs on one channel through a
 * dedicated connection (reconnected with backoff after an error, then every subscriber is told to
 * resync) and publishes with `pg_notify` through `send`. Its own events it delivers at once and
 * ignores when they come back.
 */
export async function createPostgresBus(opts: {
  url: string;
  /** Runs `SELECT pg_notify(channel, p)` for each payload (on the app's pool). */
  send(channel: string, payloads: string[]): Promise<void>;
  log: { warn(obj: object, msg: string): void; info(msg: string): void };
}): Promise<NotificationBus & { reconnects(): number }> {
  const origin = randomBytes(8).toString('hex');
  const local = new LocalFanOut();
  let client: pg.Client | null = null;
  let closed = false;
  let reconnects = 0;
  let retryTimer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.url, keepAlive: true });
    c.on('notification', (msg) => {
      if (msg.channel !== NOTIFY_CHANNEL || !msg.payload) return;
      const p = unpackPayload(msg.payload);
      if (p && p.origin !== origin) local.deliver(p.events);
    });
    const lost = (err?: unknown) => {
      if (client !== c) return;
      client = null;
      c.removeAllListeners('end');
      c.end().catch(() => {});
      if (!closed) {
        opts.log.warn({ err: String(err ?? 'connection ended') }, 'notification bus: listener lost');
        schedule(250);
      }
    };
    c.on('error', lost);
    c.on('end', () => lost());
    await c.connect();
    await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
    client = c;
  };
  const schedule = (delay: number) => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(async () => {
      retryTimer = null;
      try {
        await connect();
        reconnects += 1;
        opts.log.info('notification bus: listening again');
        // Whatever was published while we were away is in the table: streams read it.
        local.resync();
      } catch (err) {
        opts.log.warn({ err: String(err) }, 'notification bus: reconnect failed');
        schedule(Math.min(delay * 2, 5000));
      }
    }, delay);
  };

  await connect();
  return {
    publish(events) {
      if (events.length === 0) return;
      queueMicrotask(() => local.deliver(events));
      opts.send(NOTIFY_CHANNEL, packPayloads(origin, events)).catch((err) => {
        // Other processes' streams notice the hole at their next event or reconnect.
        opts.log.warn({ err: String(err) }, 'notification bus: publish failed');
      });
    },
    subscribe: (userId, l) => local.subscribe(userId, l),
    onResync: (l) => local.onResync(l),
    reconnects: () => reconnects,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
