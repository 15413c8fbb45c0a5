import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listNotifications } from '../../app/notifications/list-notifications.ts';
import { markRead } from '../../app/notifications/mark-read.ts';
import {
  type NotificationStream,
  openNotificationStream,
} from '../../app/notifications/notification-stream.ts';
import {
  MarkReadBody,
  MarkReadResult,
  NotificationList,
  NotificationsQuery,
} from '../../contract/notifications.ts';
import { Text } from '../../contract/text.ts';
import type { Db } from '../../data/db.ts';
import { DomainError } from '../../domain/errors.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { Authenticator, HeldCredential } from '../authenticate.ts';

export interface StreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /**
   * A stream ends after this long (±10%, at the next heartbeat); the browser reconnects with
   * Last-Event-ID and its credential is checked again.
   */
  maxAgeMs: number;
  /**
   * Every this often, the credentials of all open streams are checked again (one query per 500
   * sessions): a stream whose session was signed out, revoked or expired, or whose API key was
   * revoked, ends then, and the browser's reconnect gets 401.
   */
  recheckMs: number;
  /** Open streams per user in one process (more: 429). */
  maxPerUser: number;
  /** What `retry:` tells the browser to wait before reconnecting. */
  retryMs: number;
}

export const defaultStreamOptions: StreamOptions = {
  heartbeatMs: 20_000,
  maxAgeMs: 5 * 60_000,
  recheckMs: 20_000,
  maxPerUser: 16,
  retryMs: 2_000,
};

/** A client that stops reading is dropped once this much is waiting for it. */
const MAX_BUFFERED = 1024 * 1024;

export function notificationRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    clock: Clock;
    bus: NotificationBus;
    authn: Authenticator;
    stream?: Partial<StreamOptions>;
    /** Counts the open streams (troupe_sse_connections), when metrics are on. */
    metrics?: Metrics | null;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['notifications'];
  const opts = { ...defaultStreamOptions, ...deps.stream };
  /** The open streams: when each is to end, and the credential it was opened with. */
  const open = new Map<ServerResponse, { endsAt: number; held: HeldCredential }>();
  /** Open (or opening) streams per user: a slot is taken before opening reads the database. */
  const perUser = new Map<string, number>();
  const releaseSlot = (userId: string) => {
    const left = (perUser.get(userId) ?? 1) - 1;
    if (left > 0) perUser.set(userId, left);
    else perUser.delete(userId);
  };

  const write = (res: ServerResponse, text: string) => {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_BUFFERED) res.destroy();
    else res.write(text);
  };
  /** The last event's SSE frame: one event to many streams of a person is formatted once. */
  let last: { json: string; seq: number; text: string } | null = null;
  const frame = (e: { seq: number; json: string }) => {
    if (last?.json !== e.json || last.seq !== e.seq) {
      last = { json: e.json, seq: e.seq, text: `id: ${e.seq}\nevent: notification\ndata: ${e.json}\n\n` };
    }
    return last.text;
  };
  // One timer for every stream (not two per stream: 10,000 streams are 10,000 of them): a
  // heartbeat to each, and the end of those whose time is up.
  let sweeper: NodeJS.Timeout | null = null;
  let lastRecheck = Date.now();
  let rechecking = false;
  const sweep = () => {
    const now = Date.now();
    for (const [res, { endsAt }] of open) {
      if (now >= endsAt) res.end();
      else write(res, ': heartbeat\n\n');
    }
    if (!rechecking && now - lastRecheck >= opts.recheckMs && open.size > 0) {
      rechecking = true;
      lastRecheck = now;
      recheck()
        .catch((err) => app.log.warn({ err: String(err) }, 'notification streams: credential check failed'))
        .finally(() => {
          rechecking = false;
        });
    }
  };
  /** Ends the streams whose credential no longer holds (signed out, revoked, expired). */
  const recheck = async () => {
    const streams = [...open];
    const valid = await deps.authn.stillValid(streams.map(([, s]) => s.held));
    streams.forEach(([res], i) => {
      if (!valid[i]) res.end();
    });
  };

  // Streams never finish on their own: end them so the server can close (SIGTERM, tests).
  app.addHook('preClose', async () => {
    if (sweeper) clearInterval(sweeper);
    sweeper = null;
    for (const res of open.keys()) res.end();
    open.clear();
  });

  r.get(
    '/api/notifications',
    {
      schema: {
        tags,
        summary: 'Your notifications, newest first, and how many are unread',
        description: 'With an API key: only the notifications about the key’s workspace.',
        querystring: NotificationsQuery,
        response: { 200: NotificationList },
      },
    },
    async (req) => listNotifications(deps, await deps.authn.actor(req), req.query),
  );

  r.post(
    '/api/notifications/read',
    {
      schema: {
        tags,
        summary: 'Mark notifications read: `{ids: [...]}` or `{all: true}`',
        body: MarkReadBody,
        response: { 200: MarkReadResult },
      },
    },
    async (req) => markRead(deps, await deps.authn.actor(req), req.body),
  );

  r.get(
    '/api/notifications/stream',
    {
      schema: {
        tags,
        summary: 'Live notifications (Server-Sent Events)',
        description:
          'Each event: `id: <seq>`, `event: notification`, `data: <the notification as JSON>`. A comment line every 20 s keeps the stream open; `retry:` sets the reconnect delay. Reconnect with `Last-Event-ID` (the browser does) to get exactly the events missed; an id that is not yours starts from now. The stream ends after about 5 minutes, to be reopened with the credential checked again, and within about 20 s of its session being signed out or revoked or its API key revoked. With an API key: only the key’s workspace.',
        headers: z.object({ 'last-event-id': Text.max(100).optional() }).passthrough(),
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream') },
      },
    },
    async (req, reply) => {
      const actor = await deps.authn.actor(req);
      const count = perUser.get(actor.userId) ?? 0;
      if (count >= opts.maxPerUser) {
        throw new DomainError('rate_limited', `At most ${opts.maxPerUser} notification streams at once`);
      }
      if (req.method === 'HEAD') {
        // The headers a stream would start with, and no stream.
        return reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').send('');
      }
      // The slot is taken before the await (opening reads the database): streams opened at once
      // each see the others' slots, so no burst passes the limit. Given back if opening fails.
      perUser.set(actor.userId, count + 1);
      let stream: NotificationStream;
      try {
        stream = await openNotificationStream(deps, actor, req.headers['last-event-id']);
      } catch (err) {
        releaseSlot(actor.userId);
        throw err;
      }

      // A session renewed by this request: its cookie goes out with the stream's headers (a hijacked
      // reply runs no onSend hook, and a tab's stream is often its only request of the day).
      deps.authn.addRenewedCookie(req, reply);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      req.raw.socket?.setNoDelay?.(true);
      req.raw.socket?.setTimeout?.(0);
      open.set(res, {
        endsAt: Date.now() + opts.maxAgeMs * (0.9 + Math.random() * 0.2),
        held: deps.authn.held(req),
      });
      deps.metrics?.sseConnections.inc();
      sweeper ??= setInterval(sweep, opts.heartbeatMs);
      res.write(`retry: ${opts.retryMs}\n: connected\n\n`);

      let done = false;
      const cleanup = () => {
        if (done) return;
        done = true;
        stream.close();
        open.delete(res);
        deps.metrics?.sseConnections.dec();
        if (open.size === 0 && sweeper) {
          clearInterval(sweeper);
          sweeper = null;
        }
        releaseSlot(actor.userId);
      };
      res.on('close', cleanup);
      res.on('error', cleanup);
      // A client gone while the stream was opening: its 'close' came before the listener.
      if (req.raw.socket?.destroyed) cleanup();
      stream.start((e) => write(res, frame(e)));
    },
  );
}
