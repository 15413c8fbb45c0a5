import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../data/db.ts';

/** What the metrics read when Prometheus scrapes them. */
export interface MetricsSources {
  /** The PostgreSQL pool (null on SQLite, which has one connection and no pool). */
  poolStats(): PoolStats | null;
  /** Unsent mail in the outbox (the whole database's, the same on every node). */
  outboxBacklog(): Promise<{ count: number; oldestCreatedAt: number | null }>;
  now(): number;
}

/** Counts members-page cache lookups (app/members/members-page-cache.ts). */
export interface CacheStats {
  lookup(hit: boolean): void;
}

/**
 * Troupe's Prometheus metrics (prom-client), on a registry of their own: process and Node.js
 * defaults, HTTP requests by route pattern and status, the PostgreSQL pool, the mail outbox, the
 * members-page cache and SSE streams. Served at GET /metrics only when METRICS_TOKEN is set
 * (http/routes/metrics.ts). Every name and label is listed in docs/OPERATIONS.md.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #http: Histogram<'method' | 'route' | 'status_code'>;
  readonly #mail: Counter<'outcome'>;
  /** Open SSE streams (notifications). The stream route increments it on open, decrements on close. */
  readonly sseConnections: Gauge;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#http = new Histogram({
      name: 'troupe_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern (never the raw URL) and status, and how long they took',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    // SQLite has one connection, used in turn by Kysely's driver: no pool to report.
    if (sources.poolStats() !== null) this.#poolGauges(sources, registers);
    // One query answers both outbox gauges; a scrape runs both collects at once.
    let backlog: Promise<{ count: number; oldestCreatedAt: number | null } | null> | null = null;
    const readBacklog = () => {
      backlog ??= sources
        .outboxBacklog()
        .catch(() => null)
        .finally(() => setImmediate(() => (backlog = null)));
      return backlog;
    };
    new Gauge({
      name: 'troupe_outbox_backlog',
      help: 'Mails not sent yet: due, waiting for a retry, or being sent (database-wide; NaN if the database does not answer)',
      registers,
      async collect() {
        const b = await readBacklog();
        this.set(b ? b.count : Number.NaN);
      },
    });
    new Gauge({
      name: 'troupe_outbox_oldest_age_seconds',
      help: 'Age of the oldest mail not sent yet (0 when none; database-wide)',
      registers,
      async collect() {
        const b = await readBacklog();
        if (!b) this.set(Number.NaN);
        else this.set(b.oldestCreatedAt === null ? 0 : Math.max(0, sources.now() - b.oldestCreatedAt) / 1000);
      },
    });
    this.#mail = new Counter({
      name: 'troupe_mail_deliveries_total',
      help: 'Delivery attempts by this node: sent, retry (failed, will retry), failed (given up)',
      labelNames: ['outcome'],
      registers,
    });
    this.membersPageCache = pageCacheMetrics(registers, 'members', 'Members page');
    this.itemsPageCache = pageCacheMetrics(registers, 'items', 'Item listing');
    this.sseConnections = new Gauge({
      name: 'troupe_sse_connections',
      help: 'Open server-sent event streams (live notifications) on this node',
      registers,
    });
    for (const outcome of ['sent', 'retry', 'failed']) this.#mail.inc({ outcome }, 0);
  }

  #poolGauges(sources: MetricsSources, registers: Registry[]): void {
    new Gauge({
      name: 'troupe_db_pool_connections',
      help: 'PostgreSQL pool connections by state: in_use, idle, max (absent on SQLite)',
      labelNames: ['state'],
      registers,
      collect() {
        const s = sources.poolStats();
        if (!s) return;
        this.set({ state: 'in_use' }, s.total - s.idle);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'max' }, s.max);
      },
    });
    new Gauge({
      name: 'troupe_db_pool_waiting',
      help: 'Queries waiting for a PostgreSQL pool connection (absent on SQLite)',
      registers,
      collect() {
        const s = sources.poolStats();
        if (s) this.set(s.waiting);
      },
    });
  }

  /** One finished HTTP request; `route` is the matched route's pattern, or 'unmatched'. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.#http.observe({ method, route, status_code: String(status) }, seconds);
  }

  mailDelivery(outcome: 'sent' | 'retry' | 'failed'): void {
    this.#mail.inc({ outcome });
  }

  /** The members-page cache to report on (its lookups, and its size on each scrape). */
  readonly membersPageCache: PageCacheMetrics;

  /** The item-listing cache to report on (its lookups, and its size on each scrape). */
  readonly itemsPageCache: PageCacheMetrics;

  /** The text Prometheus scrapes, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stops the default metrics' event-loop monitor. */
  close(): void {
    this.registry.clear();
  }
}

type PageCacheMetrics = CacheStats & { size(read: () => number): void };

/** `troupe_<name>_page_cache_lookups_total{result}` and `troupe_<name>_page_cache_bytes`. */
function pageCacheMetrics(registers: Registry[], name: string, what: string): PageCacheMetrics {
  const lookups = new Counter({
    name: `troupe_${name}_page_cache_lookups_total`,
    help: `${what} reads by result: hit (served from this node’s cache) or miss`,
    labelNames: ['result'],
    registers,
  });
  let read: () => number = () => 0;
  new Gauge({
    name: `troupe_${name}_page_cache_bytes`,
    help: `Memory held by cached ${what.toLowerCase()} pages on this node`,
    registers,
    collect() {
      this.set(read());
    },
  });
  for (const result of ['hit', 'miss']) lookups.inc({ result }, 0);
  return {
    lookup: (hit) => lookups.inc({ result: hit ? 'hit' : 'miss' }),
    size: (r) => {
      read = r;
    },
  };
}
