import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type OutboxWorker, startOutboxWorker } from './app/mail/outbox-worker.ts';
import { resetPasswordMail, verificationMail } from './app/mail/templates.ts';
import { startViewCounter, type ViewCounter } from './app/public/view-counter.ts';
import { type StorageSweeper, startStorageSweeper } from './app/videos/storage-sweeper.ts';
import { type DataSource, inTransaction, openPostgres, openSqlite } from './data/db.ts';
import { newId } from './data/ids.ts';
import { refreshMemberName } from './data/members.repo.ts';
import { migrateToLatest, withMigrationLock } from './data/migrations.ts';
import { insertMail } from './data/outbox.repo.ts';
import { sortKey } from './domain/members.ts';
import { createAuthenticator } from './http/authenticate.ts';
import type { StreamOptions } from './http/routes/notifications.ts';
import { buildServer } from './http/server.ts';
import { createSessionCookieReader } from './http/session-cookie.ts';
import { AUTH_COOKIE_PREFIX, createAuth, migrateAuth } from './infra/auth.ts';
import { createLocalBus, createPostgresBus, type NotificationBus } from './infra/bus.ts';
import { type Clock, systemClock } from './infra/clock.ts';
import type { Config } from './infra/config.ts';
import { createDevMailer, createSmtpMailer, type Mailer } from './infra/mailer.ts';
import { createLocalPaymentProvider, type PaymentProvider } from './infra/payments.ts';
import { openRedis } from './infra/redis.ts';
import { createSlugSealer } from './infra/slug-sealer.ts';
import { createLocalStorage, type LocalStorage } from './infra/storage.ts';
import { createUnlockSigner } from './infra/unlock-token.ts';

export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface Troupe {
  server: FastifyInstance;
  data: DataSource;
  mailer: Mailer;
  outbox: OutboxWorker;
  storage: LocalStorage;
  storageSweeper: StorageSweeper;
  views: ViewCounter;
  bus: NotificationBus;
  close(): Promise<void>;
}

export interface TroupeOptions {
  clock?: Clock;
  /** Defaults to SMTP when SMTP_URL is set, else the dev mailbox. */
  mailer?: Mailer;
  /** Outbox polling period; tests make it short. */
  outboxIntervalMs?: number;
  /** Start the outbox worker in this process (default true). */
  runOutboxWorker?: boolean;
  extraRoutes?: (app: FastifyInstance) => void;
  /** The built web app to serve (default web/dist). */
  webDist?: string;
  /** Notification stream timings and limits (tests and benchmarks shorten or raise them). */
  stream?: Partial<StreamOptions>;
  /** Where the log goes (default stdout); tests read it. */
  logStream?: { write(line: string): void };
  /** Defaults to the built-in local provider. */
  payments?: PaymentProvider;
}

/** Wires config -> data -> infra -> app -> http. Migrations run before anything serves. */
export async function createTroupe(config: Config, opts: TroupeOptions = {}): Promise<Troupe> {
  const clock = opts.clock ?? systemClock;
  const data = config.databaseUrl ? openPostgres(config.databaseUrl) : openSqlite(config.sqlitePath);
  const { db, dialect } = data;

  let outbox: OutboxWorker | null = null;
  const enqueue = async (mail: Parameters<typeof insertMail>[1]) => {
    await insertMail(db, mail, clock.now());
    outbox?.nudge();
  };
  const auth = createAuth({
    db,
    dialect,
    secret: config.authSecret,
    publicUrl: config.publicUrl,
    sendVerificationEmail: ({ to, name, url }) => enqueue(verificationMail(to, name, url)),
    sendResetPasswordEmail: ({ to, name, url }) => enqueue(resetPasswordMail(to, name, url)),
    userRenamed: (user) =>
      inTransaction(db, (tx) => refreshMemberName(tx, user.id, user.name, sortKey(user.name, user.email))),
  });
  await withMigrationLock(db, dialect, async () => {
    await migrateAuth(auth, { db, dialect });
    await migrateToLatest(db);
  });

  // Live notifications: in this process on SQLite; LISTEN/NOTIFY between processes on PostgreSQL.
  let log: { warn(obj: object, msg: string): void; info(msg: string): void } = console;
  const bus: NotificationBus = config.databaseUrl
    ? await createPostgresBus({
        url: config.databaseUrl,
        send: async (channel, payloads) => {
          await sql`SELECT pg_notify(${channel}, p) FROM unnest(cast(${payloads} as text[])) AS t(p)`.execute(
            db,
          );
        },
        log: { warn: (o, m) => log.warn(o, m), info: (m) => log.info(m) },
      })
    : createLocalBus();
  const storage = createLocalStorage(config.storageDir);
  // Temporary files of uploads cut short by a process that died (live uploads are younger).
  await storage.sweepTemp(24 * 3600_000).catch(() => 0);
  let sweeper: StorageSweeper | null = null;
  const views = startViewCounter({ db, log: { warn: (obj, msg) => log.warn(obj, msg) } });

  const secure = config.publicUrl.startsWith('https://');
  const cookieName = `${secure ? '__Secure-' : ''}${AUTH_COOKIE_PREFIX}.session_token`;
  const redis = config.redisUrl ? openRedis(config.redisUrl) : null;
  const unlocks = createUnlockSigner(config.authSecret);
  const slugs = createSlugSealer(config.authSecret);
  const authn = createAuthenticator({
    db,
    clock,
    readSessionToken: createSessionCookieReader(cookieName, config.authSecret),
    unlocks,
    secure,
  });
  let server: FastifyInstance;
  try {
    server = await buildServer({
      db,
      dialect,
      clock,
      payments: opts.payments ?? createLocalPaymentProvider(() => newId(clock.now())),
      mailQueued: () => outbox?.nudge(),
      auth,
      authn,
      bus,
      stream: opts.stream,
      publicUrl: config.publicUrl,
      linkSecret: config.authSecret,
      production: config.production,
      devMailbox: config.devMailbox,
      logLevel: config.logLevel,
      logStream: opts.logStream,
      signInRateLimit: config.signInRateLimit,
      signUpRateLimit: config.signUpRateLimit,
      trustProxy: config.trustProxy,
      membersPageCacheBytes: config.membersPageCacheMb * 1024 * 1024,
      rateLimitStore: redis ? { redis, keyPrefix: config.redisKeyPrefix } : null,
      storage,
      unlocks,
      slugs,
      views,
      maxVideoBytes: config.maxVideoBytes,
      storageChanged: () => sweeper?.nudge(),
      webDist: opts.webDist ?? WEB_DIST,
      extraRoutes: opts.extraRoutes,
    });
  } catch (err) {
    // The listener's connection would keep the process (or a test run) alive.
    await bus.close();
    await views.stop();
    throw err;
  }

  log = server.log;
  redis?.on('error', (err) => server.log.warn({ err: String(err) }, 'redis: connection error'));

  const mailer =
    opts.mailer ??
    (config.smtpUrl
      ? createSmtpMailer(config.smtpUrl, config.mailFrom)
      : createDevMailer((line) => server.log.info(line)));
  // Mail bodies carry links that are credentials: kept after sending only for the dev mailbox.
  const worker = startOutboxWorker(
    { db, dialect, mailer, clock, log: server.log, keepBodies: config.devMailbox },
    opts.outboxIntervalMs,
  );
  if (opts.runOutboxWorker !== false) outbox = worker;
  else await worker.stop();
  const storageSweeper = startStorageSweeper({ db, storage, clock, log: server.log });
  sweeper = storageSweeper;
  storageSweeper.nudge();

  return {
    server,
    data,
    mailer,
    outbox: worker,
    storage,
    storageSweeper,
    views,
    bus,
    async close() {
      // Ends open notification streams first (their hook), then the listener.
      await server.close();
      await bus.close();
      await worker.stop();
      await storageSweeper.stop();
      await views.stop();
      mailer.close();
      await data.close();
      redis?.disconnect();
    },
  };
}
