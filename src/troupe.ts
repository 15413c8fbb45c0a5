import { constants as fsConstants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCookies } from 'better-auth/cookies';
import { makeSignature } from 'better-auth/crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { startTrashPurger, type TrashPurger } from './app/items/trash-purger.ts';
import { type OutboxWorker, startOutboxWorker } from './app/mail/outbox-worker.ts';
import { resetPasswordMail, verificationMail } from './app/mail/templates.ts';
import { startViewCounter, type ViewCounter } from './app/public/view-counter.ts';
import { type StorageSweeper, startStorageSweeper } from './app/videos/storage-sweeper.ts';
import { type DataSource, type Db, inTransaction, openPostgres, openSqlite } from './data/db.ts';
import { newId } from './data/ids.ts';
import { refreshMemberName } from './data/members.repo.ts';
import { migrateToLatest, withMigrationLock } from './data/migrations.ts';
import { notifyChannel } from './data/notifications.repo.ts';
import { insertMail, outboxBacklog } from './data/outbox.repo.ts';
import { findUnavailable } from './domain/errors.ts';
import { sortKey } from './domain/members.ts';
import { createAuthenticator } from './http/authenticate.ts';
import type { Readiness } from './http/routes/health.ts';
import type { StreamOptions } from './http/routes/notifications.ts';
import { buildServer } from './http/server.ts';
import { createSessionCookieReader, createSessionCookieWriter } from './http/session-cookie.ts';
import { createAuth, migrateAuth } from './infra/auth.ts';
import { createLocalBus, createPostgresBus, type NotificationBus } from './infra/bus.ts';
import { type Clock, systemClock } from './infra/clock.ts';
import { type Config, StartupError } from './infra/config.ts';
import { createDevMailer, createSmtpMailer, type Mailer } from './infra/mailer.ts';
import { Metrics } from './infra/metrics.ts';
import { createLocalPaymentProvider, type PaymentProvider } from './infra/payments.ts';
import { openRedis, pingRedis, redisTarget } from './infra/redis.ts';
import { createSlugSealer } from './infra/slug-sealer.ts';
import { createLocalStorage, type Storage } from './infra/storage.ts';
import { createUnlockSigner } from './infra/unlock-token.ts';

export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface Troupe {
  server: FastifyInstance;
  data: DataSource;
  mailer: Mailer;
  outbox: OutboxWorker;
  storage: Storage;
  storageSweeper: StorageSweeper;
  /** Empties the trash of items deleted more than 30 days ago (hourly and at start). */
  trashPurger: TrashPurger;
  views: ViewCounter;
  bus: NotificationBus;
  /** Prometheus metrics (when METRICS_TOKEN is set). */
  metrics: Metrics | null;
  /**
   * Graceful stop (SIGTERM): /readyz answers 503 (for SHUTDOWN_DELAY_MS while still serving), the
   * listener closes, notification streams end, requests in flight finish (up to
   * SHUTDOWN_TIMEOUT_MS) and their connections close, the outbox finishes its batch, then the
   * database and Redis are closed.
   */
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
  // What the configuration points at must work before anything starts: otherwise one line naming
  // the setting (StartupError), not a stack trace or a node that starts and fails every request.
  const data = await openDatabase(config);
  let redis: Redis | null = null;
  const undo: (() => Promise<unknown> | unknown)[] = [];
  try {
    redis = config.redisUrl ? await connectRedis(config.redisUrl) : null;
    const files = await openStorage(config);
    undo.push(files.close);
    return await assemble(config, opts, clock, data, redis, files, (close) => undo.push(close));
  } catch (err) {
    // What was opened would keep the process (or a test run) alive.
    for (const close of undo.reverse())
      await Promise.resolve()
        .then(close)
        .catch(() => {});
    (redis as Redis | null)?.disconnect();
    await data.close().catch(() => {});
    throw err;
  }
}

async function assemble(
  config: Config,
  opts: TroupeOptions,
  clock: Clock,
  data: DataSource,
  redis: Redis | null,
  files: OpenedStorage,
  /** Registers what to close should anything later fail. */
  opened: (close: () => Promise<unknown> | unknown) => void,
): Promise<Troupe> {
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
  // Migrations may run long; requests may not wait that long on a database that stopped answering.
  data.limitQueryTime(config.databaseTimeoutMs);

  const metrics = config.metricsToken
    ? new Metrics({
        poolStats: () => data.poolStats(),
        outboxBacklog: () => outboxBacklog(db),
        now: () => clock.now(),
      })
    : null;
  let closing = false;

  // Live notifications: in this process on SQLite; LISTEN/NOTIFY between processes on PostgreSQL.
  let log: { warn(obj: object, msg: string): void; info(msg: string): void } = console;
  const bus: NotificationBus = config.databaseUrl
    ? await createPostgresBus({
        url: config.databaseUrl,
        send: (channel, payloads) => notifyChannel(db, channel, payloads),
        log: { warn: (o, m) => log.warn(o, m), info: (m) => log.info(m) },
      })
    : createLocalBus();
  opened(() => bus.close());
  const { storage } = files;
  let sweeper: StorageSweeper | null = null;
  const views = startViewCounter({ db, log: { warn: (obj, msg) => log.warn(obj, msg) } });
  opened(() => views.stop());

  const secure = config.publicUrl.startsWith('https://');
  // Better Auth's own cookies (names with the `__Secure-` prefix behind https, attributes).
  const authCookies = getCookies(auth.options);
  const unlocks = createUnlockSigner(config.authSecret);
  const slugs = createSlugSealer(config.authSecret);
  const authn = createAuthenticator({
    db,
    dialect,
    clock,
    readSessionToken: createSessionCookieReader(authCookies.sessionToken.name, config.authSecret),
    // Renewed sessions get Better Auth's own cookie again (its name, attributes and signature).
    sessionCookie: createSessionCookieWriter(authCookies.sessionToken, config.authSecret, makeSignature),
    dontRememberCookie: authCookies.dontRememberToken.name,
    unlocks,
    secure,
  });
  const server = await buildServer({
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
    signInFailureLimit: config.signInFailureLimit,
    trustProxy: config.trustProxy,
    membersPageCacheBytes: config.membersPageCacheMb * 1024 * 1024,
    itemsPageCacheBytes: config.itemsPageCacheMb * 1024 * 1024,
    rateLimitStore: redis ? { redis, keyPrefix: config.redisKeyPrefix } : null,
    storage,
    unlocks,
    slugs,
    views,
    maxVideoBytes: config.maxVideoBytes,
    storageChanged: () => sweeper?.nudge(),
    webDist: opts.webDist ?? WEB_DIST,
    extraRoutes: opts.extraRoutes,
    readiness: () => readiness(db, redis, files.check),
    metrics,
    metricsToken: config.metricsToken,
    isClosing: () => closing,
  });

  log = server.log;
  redis?.on('error', (err) => server.log.warn({ err: String(err) }, 'redis: connection error'));

  const mailer =
    opts.mailer ??
    (config.smtpUrl
      ? createSmtpMailer(config.smtpUrl, config.mailFrom)
      : createDevMailer((line) => server.log.info(line)));
  // Mail bodies carry links that are credentials: kept after sending only for the dev mailbox.
  const worker = startOutboxWorker(
    {
      db,
      dialect,
      mailer,
      clock,
      log: server.log,
      keepBodies: config.devMailbox,
      delivered: metrics ? (outcome) => metrics.mailDelivery(outcome) : undefined,
    },
    opts.outboxIntervalMs,
  );
  if (opts.runOutboxWorker !== false) outbox = worker;
  else await worker.stop();
  const storageSweeper = startStorageSweeper({ db, storage, clock, log: server.log });
  sweeper = storageSweeper;
  storageSweeper.nudge();
  const trashPurger = startTrashPurger({
    db,
    clock,
    storageChanged: () => storageSweeper.nudge(),
    log: server.log,
  });
  trashPurger.nudge();

  let closed: Promise<void> | null = null;
  return {
    server,
    data,
    mailer,
    outbox: worker,
    storage,
    storageSweeper,
    trashPurger,
    views,
    bus,
    metrics,
    close() {
      closed ??= (async () => {
        closing = true;
        if (config.shutdownDelayMs > 0 && server.server.listening) {
          // Still serving (every answer closes its connection) while /readyz says 503, so a load
          // balancer takes this node out before it stops accepting connections.
          server.log.info(`shutdown: serving ${config.shutdownDelayMs} ms more while /readyz answers 503`);
          await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
        }
        // The HTTP drain (which ends the notification streams first, in their route's preClose
        // hook) and the outbox's last batch run side by side; the listener, the database and Redis
        // stay open until both are done, since requests still in flight need them.
        await Promise.all([
          drainHttp(server, config.shutdownTimeoutMs).then(() =>
            server.log.info('shutdown: requests finished'),
          ),
          worker.stop().then(() => server.log.info('shutdown: outbox stopped')),
        ]);
        await bus.close();
        await trashPurger.stop();
        await storageSweeper.stop();
        files.close();
        // The view counts gathered in memory are written before the database closes.
        await views.stop();
        mailer.close();
        await data.close();
        server.log.info('shutdown: database closed');
        if (redis) {
          // QUIT politely, but not for long: the Redis may be the thing that is down.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            redis.quit().catch(() => {}),
            new Promise((r) => {
              timer = setTimeout(r, 1_000);
            }),
          ]);
          clearTimeout(timer);
          redis.disconnect();
        }
        metrics?.close();
      })();
      return closed;
    },
  };
}

/**
 * Stops the HTTP server gracefully: no new connections; requests in flight finish (their answers
 * close their connections, see http/server.ts) and idle keep-alive connections are closed; SSE
 * streams end in their routes' preClose hooks. After `timeoutMs`, connections still open are cut.
 */
async function drainHttp(server: FastifyInstance, timeoutMs: number): Promise<void> {
  const http = server.server;
  // Connections that finished an answer begun before the shutdown became idle without being told
  // to close: close them as they turn idle.
  const reaper = setInterval(() => http.closeIdleConnections(), 50);
  const force = setTimeout(() => {
    server.log.warn(`shutdown: requests still running after ${timeoutMs} ms; closing their connections`);
    http.closeAllConnections();
  }, timeoutMs);
  try {
    await server.close();
  } finally {
    clearInterval(reaper);
    clearTimeout(force);
  }
}

/** Opens the configured database and checks that it answers; StartupError naming the setting if not. */
async function openDatabase(config: Config): Promise<DataSource> {
  if (!config.databaseUrl) {
    const setting = config.sqlitePath === join(config.dataDir, 'troupe.sqlite') ? 'DATA_DIR' : 'DATABASE_URL';
    try {
      const data = openSqlite(config.sqlitePath);
      await sql`select 1`.execute(data.db);
      return data;
    } catch (err) {
      throw new StartupError(
        setting,
        `cannot open the SQLite database ${config.sqlitePath} (${reason(err)})`,
      );
    }
  }
  const data = openPostgres(config.databaseUrl, { connectTimeoutMs: config.databaseTimeoutMs });
  try {
    await sql`select 1`.execute(data.db);
    return data;
  } catch (err) {
    await data.close().catch(() => {});
    throw new StartupError(
      'DATABASE_URL',
      `cannot connect to PostgreSQL at ${postgresTarget(config.databaseUrl)} (${reason(err)})`,
    );
  }
}

interface OpenedStorage {
  storage: Storage;
  /** For /readyz: resolves when the store answers (S3); null when there is nothing to check. */
  check: ((timeoutMs: number) => Promise<void>) | null;
  close(): void;
}

/**
 * The file store STORAGE_URL names, checked: a directory Troupe can write to, or an S3 bucket that
 * answers. StartupError naming the setting otherwise. The AWS SDK is loaded only for S3.
 */
async function openStorage(config: Config): Promise<OpenedStorage> {
  const s = config.storage;
  if (s.kind === 'local') {
    const setting = s.dir === join(config.dataDir, 'files') ? 'DATA_DIR' : 'STORAGE_URL';
    try {
      await mkdir(s.dir, { recursive: true });
      await access(s.dir, fsConstants.W_OK);
    } catch (err) {
      throw new StartupError(setting, `cannot use the directory ${s.dir} for files (${reason(err)})`);
    }
    const storage = createLocalStorage(s.dir);
    // Temporary files of uploads cut short by a process that died (live uploads are younger).
    await storage.sweepTemp(24 * 3600_000).catch(() => 0);
    return { storage, check: null, close: () => {} };
  }
  const { createS3Client, createS3Storage } = await import('./infra/s3-storage.ts');
  const storage = createS3Storage(s, createS3Client(s));
  try {
    await storage.check(5_000);
  } catch (err) {
    storage.close();
    const where = `${s.bucket} at ${s.endpoint ?? 'AWS'}`;
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const why =
      status === 404
        ? 'no such bucket'
        : status === 403
          ? 'access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
          : status === 301 || status === 400
            ? 'the bucket is in another region: check AWS_REGION'
            : reason(err);
    throw new StartupError('STORAGE_URL', `cannot use the S3 bucket ${where} (${why})`);
  }
  return { storage, check: (ms) => storage.check(ms), close: () => storage.close() };
}

async function connectRedis(url: string): Promise<Redis> {
  const redis = openRedis(url);
  try {
    await pingRedis(redis, 5_000);
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new StartupError('REDIS_URL', `cannot connect to Redis at ${redisTarget(url)} (${reason(err)})`);
  }
}

/** The driver's own words, without what it wraps them in. */
function reason(err: unknown): string {
  const inner = findUnavailable(err)?.cause ?? err;
  const message = inner instanceof Error ? inner.message : String(inner);
  return message.split('\n')[0] || 'unknown error';
}

/** host:port/database of a PostgreSQL URL, without its credentials (for messages). */
function postgresTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured address';
  }
}

/** Whether each dependency answers within 2 s. */
async function readiness(
  db: Db,
  redis: Redis | null,
  storage: ((timeoutMs: number) => Promise<void>) | null,
): Promise<Readiness> {
  const answers = async (work: () => Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        work(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), 2_000);
        }),
      ]);
      return 'up' as const;
    } catch {
      return 'down' as const;
    } finally {
      clearTimeout(timer);
    }
  };
  const [database, cache, files] = await Promise.all([
    answers(() => sql`select 1`.execute(db)),
    redis ? answers(() => (redis.status === 'ready' ? redis.ping() : Promise.reject())) : null,
    storage ? answers(() => storage(2_000)) : null,
  ]);
  return { database, ...(cache ? { redis: cache } : {}), ...(files ? { storage: files } : {}) };
}
