import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseS3Url, type S3Settings } from './storage-url.ts';

/** Configuration comes from the environment only, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `postgres://...` switches to PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl: string | null;
  sqlitePath: string;
  publicUrl: string;
  smtpUrl: string | null;
  mailFrom: string;
  authSecret: string;
  production: boolean;
  /**
   * The dev mailbox (/dev/mailbox) is on: outside production with no SMTP_URL, where mail goes
   * nowhere else. It then shows the mail with its links, to loopback clients only.
   */
  devMailbox: boolean;
  logLevel: string;
  /** Sign-in attempts allowed per minute for one email from one client. */
  signInRateLimit: number;
  /** Sign-ups allowed per hour from one client, whatever the emails. */
  signUpRateLimit: number;
  /** Wrong passwords allowed in 10 minutes from one client, whatever the emails (0: no such limit). */
  signInFailureLimit: number;
  /**
   * Which proxies' X-Forwarded-For to believe (Fastify's `trustProxy`): false (the socket's peer is
   * the client), true (any peer: the leftmost forwarded address is the client), or the proxies'
   * addresses and CIDRs (the client is the nearest address not in the list).
   */
  trustProxy: boolean | string[];
  /** Memory for cached members pages, in MiB (0: no cache). */
  membersPageCacheMb: number;
  /** Memory for cached item listings (folders, shared with me, mine), in MiB (0: no cache). */
  itemsPageCacheMb: number;
  /** Shared store for rate-limit counters (several nodes); null: each process counts alone. */
  redisUrl: string | null;
  /** Prefix of every Redis key Troupe writes. */
  redisKeyPrefix: string;
  /**
   * PostgreSQL: the longest a request waits for a connection, and for each query (after the
   * start-up migrations), before it fails with 503 `unavailable`.
   */
  databaseTimeoutMs: number;
  /**
   * On SIGTERM: how long to go on serving (and accepting connections) with /readyz answering 503
   * before closing the listener, so a load balancer stops sending work first. Default 0.
   */
  shutdownDelayMs: number;
  /** On SIGTERM: how long requests in flight may take to finish before their connections are cut. */
  shutdownTimeoutMs: number;
  /** Bearer token for GET /metrics; null: no metrics route at all. */
  metricsToken: string | null;
  /**
   * Where video files and posters are stored (STORAGE_URL): a local directory (`$DATA_DIR/files`
   * unless `file:` names another) or an S3 bucket. `storageDir` is the directory in the first case.
   */
  storage: { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Settings);
  storageDir: string;
  /** The largest video file accepted, in bytes. */
  maxVideoBytes: number;
}

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) || v.startsWith('sqlite:') || v.startsWith('file:'), {
      message: 'must be a postgres:// URL, or sqlite:<path>',
    })
    .optional(),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://troupe.example.com' })
    .optional(),
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\//.test(v), { message: 'must be an smtp:// or smtps:// URL' })
    .optional(),
  MAIL_FROM: z.string().min(3).default('Troupe <no-reply@troupe.local>'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  NODE_ENV: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  SIGN_UP_RATE_LIMIT: z.coerce.number().int().min(1).default(5),
  SIGN_IN_FAILURE_LIMIT: z.coerce.number().int().min(0).default(60),
  TRUST_PROXY: z
    .string()
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (parsed === null) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be true, false, or a comma-separated list of proxy addresses or CIDRs (e.g. 10.0.0.0/8, ::1)',
        });
        return z.NEVER;
      }
      return parsed;
    })
    .optional(),
  MEMBERS_PAGE_CACHE_MB: z.coerce.number().min(0).max(4096).default(16),
  ITEMS_PAGE_CACHE_MB: z.coerce.number().min(0).max(4096).default(32),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'must be a redis:// or rediss:// URL' })
    .optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('troupe:'),
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (it guards the metrics)')
    .refine((v) => /^[\x21-\x7e]+$/.test(v), { message: 'must be printable ASCII without spaces' })
    .optional(),
  STORAGE_URL: z
    .string()
    .refine((v) => (v.startsWith('s3:') ? parseS3Url(v) !== null : /^file:(\/\/)?\/./.test(v)), {
      message: 'must be s3://bucket/prefix (an S3 bucket) or file:///path (a directory)',
    })
    .optional(),
  AWS_ENDPOINT_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  AWS_ENDPOINT_URL_S3: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  MAX_VIDEO_BYTES: z.coerce
    .number()
    .int('must be a whole number of bytes')
    .min(64 * 1024, 'must be at least 65536 (64 KiB)')
    .max(Number.MAX_SAFE_INTEGER)
    .default(2 * 1024 ** 3),
});

export class ConfigError extends Error {}

/**
 * A setting is well-formed but what it points at does not work (PostgreSQL or Redis cannot be
 * reached, a storage location is unusable): the process stops with one line naming the setting.
 */
export class StartupError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`${setting}: ${reason}`);
    this.name = 'StartupError';
  }
}

/** proxy-addr's names for address ranges, which Fastify accepts in a trustProxy list. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrCidr(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: `true`/`false`, or the proxies' addresses and CIDRs (`10.0.0.0/8, ::1`); null when
 * none of these. No hop counts: Fastify 5 ignores them (it cannot check the peer against a count).
 */
export function parseTrustProxy(value: string): boolean | string[] | null {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  return entries.length > 0 && entries.every(isAddressOrCidr) ? entries : null;
}

/** Reads and validates the environment. Throws ConfigError with one line per bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blank = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(blank);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  let databaseUrl: string | null = null;
  let sqlitePath = join(dataDir, 'troupe.sqlite');
  if (e.DATABASE_URL?.startsWith('postgres')) databaseUrl = e.DATABASE_URL;
  else if (e.DATABASE_URL) sqlitePath = resolve(e.DATABASE_URL.replace(/^(sqlite|file):(\/\/)?/, ''));
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl,
    sqlitePath,
    publicUrl,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    authSecret: e.AUTH_SECRET ?? persistedSecret(dataDir),
    production: e.NODE_ENV === 'production',
    devMailbox: e.NODE_ENV !== 'production' && !e.SMTP_URL,
    logLevel: e.LOG_LEVEL,
    signInRateLimit: e.SIGN_IN_RATE_LIMIT,
    signUpRateLimit: e.SIGN_UP_RATE_LIMIT,
    signInFailureLimit: e.SIGN_IN_FAILURE_LIMIT,
    trustProxy: e.TRUST_PROXY ?? false,
    membersPageCacheMb: e.MEMBERS_PAGE_CACHE_MB,
    itemsPageCacheMb: e.ITEMS_PAGE_CACHE_MB,
    redisUrl: e.REDIS_URL ?? null,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    databaseTimeoutMs: e.DATABASE_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    metricsToken: e.METRICS_TOKEN ?? null,
    ...storageOf(e, dataDir),
    maxVideoBytes: e.MAX_VIDEO_BYTES,
  };
}

/** STORAGE_URL (already checked): a local directory, or an S3 bucket with the AWS variables. */
function storageOf(e: z.infer<typeof Env>, dataDir: string): Pick<Config, 'storage' | 'storageDir'> {
  const url = e.STORAGE_URL;
  const location = url?.startsWith('s3:') ? parseS3Url(url) : null;
  if (!url || !location) {
    const dir = url ? resolve(fileURLToPath(url)) : join(dataDir, 'files');
    return { storage: { kind: 'local', dir }, storageDir: dir };
  }
  const key = e.AWS_ACCESS_KEY_ID;
  const secret = e.AWS_SECRET_ACCESS_KEY;
  return {
    storage: {
      kind: 's3',
      ...location,
      endpoint: e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL ?? null,
      region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? null,
      // Both, or the SDK's own chain (a profile, the instance's role, ...).
      credentials:
        key && secret
          ? {
              accessKeyId: key,
              secretAccessKey: secret,
              ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}),
            }
          : null,
    },
    storageDir: join(dataDir, 'files'),
  };
}

/** AUTH_SECRET unset: generate 256 random bits once and keep them in DATA_DIR (mode 0600). */
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
