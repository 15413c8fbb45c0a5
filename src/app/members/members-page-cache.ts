import { LRUCache } from 'lru-cache';

/** What a members page says of its workspace besides its rows. */
export interface WorkspaceSummary {
  seatLimit: number;
  seatsUsed: number;
  superAdmins: number;
}

/** Workspaces whose summary is kept (a few dozen bytes each). */
const SUMMARIES = 10_000;

/** One serialized members page and the time after which it is stale (an invitation on it expires). */
interface CachedPage {
  body: string;
  validUntil: number;
}

/**
 * Serialized members pages (GET /api/workspaces/:ws/members), kept in process memory and bounded in
 * bytes (least recently used dropped first). Keys carry the workspace's members version, which the
 * database bumps in the same transaction as every change the page shows (migration 0005) and which
 * each request reads with its session: a page stored under version v is exact for every reader who
 * read v, on any node, and a change makes the next request miss. Old versions age out.
 */
export class MembersPageCache {
  readonly #lru: LRUCache<string, CachedPage> | null;

  /**
   * The seats and Super Admin count each page shows, by workspace and members version (the same
   * rule as the pages': the version changes with every seat, role or membership change), so a page
   * for a new search term reads only its rows: on SQLite about 8 µs a miss, on PostgreSQL a
   * statement. Off with the pages.
   */
  readonly #summaries: LRUCache<string, WorkspaceSummary> | null;

  readonly #stats: { lookup(hit: boolean): void } | null;

  /** `maxBytes` 0 turns the cache off. `stats` counts hits and misses (the metrics). */
  constructor(maxBytes: number, stats: { lookup(hit: boolean): void } | null = null) {
    this.#stats = stats;
    this.#lru =
      maxBytes > 0
        ? new LRUCache<string, CachedPage>({
            maxSize: maxBytes,
            sizeCalculation: (p, k) => p.body.length + k.length,
          })
        : null;
    this.#summaries = maxBytes > 0 ? new LRUCache<string, WorkspaceSummary>({ max: SUMMARIES }) : null;
  }

  /** The workspace's seats and Super Admins as read at `membersVersion`, if kept. */
  summary(workspaceId: string, membersVersion: number): WorkspaceSummary | undefined {
    return this.#summaries?.get(`${workspaceId}\u0000${membersVersion}`);
  }

  setSummary(workspaceId: string, membersVersion: number, summary: WorkspaceSummary): void {
    this.#summaries?.set(`${workspaceId}\u0000${membersVersion}`, summary);
  }

  get(key: string, now: number): string | undefined {
    const hit = this.#lru?.get(key);
    if (hit && hit.validUntil > now) {
      this.#stats?.lookup(true);
      return hit.body;
    }
    if (hit) this.#lru?.delete(key);
    this.#stats?.lookup(false);
    return undefined;
  }

  /** Memory the cached pages take (bytes, as counted for the limit). */
  bytes(): number {
    return this.#lru?.calculatedSize ?? 0;
  }

  set(key: string, body: string, validUntil: number): void {
    this.#lru?.set(key, { body, validUntil });
  }
}
