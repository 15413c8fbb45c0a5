import { LRUCache } from 'lru-cache';
import { PageCache } from '../page-cache.ts';

/** What a members page says of its workspace besides its rows. */
export interface WorkspaceSummary {
  seatLimit: number;
  seatsUsed: number;
  superAdmins: number;
}

/** Workspaces whose summary is kept (a few dozen bytes each). */
const SUMMARIES = 10_000;

/**
 * Serialized members pages (GET /api/workspaces/:ws/members), keyed by the workspace's members
 * version (see PageCache), and each workspace's seats and Super Admins by the same version.
 */
export class MembersPageCache extends PageCache {
  /**
   * The seats and Super Admin count each page shows, by workspace and members version (the same
   * rule as the pages': the version changes with every seat, role or membership change), so a page
   * for a new search term reads only its rows: on SQLite about 8 µs a miss, on PostgreSQL a
   * statement. Off with the pages.
   */
  readonly #summaries: LRUCache<string, WorkspaceSummary> | null;

  /** `maxBytes` 0 turns the cache off. `stats` counts hits and misses (the metrics). */
  constructor(maxBytes: number, stats: { lookup(hit: boolean): void } | null = null) {
    super(maxBytes, stats);
    this.#summaries = maxBytes > 0 ? new LRUCache<string, WorkspaceSummary>({ max: SUMMARIES }) : null;
  }

  /** The workspace's seats and Super Admins as read at `membersVersion`, if kept. */
  summary(workspaceId: string, membersVersion: number): WorkspaceSummary | undefined {
    return this.#summaries?.get(`${workspaceId}\u0000${membersVersion}`);
  }

  setSummary(workspaceId: string, membersVersion: number, summary: WorkspaceSummary): void {
    this.#summaries?.set(`${workspaceId}\u0000${membersVersion}`, summary);
  }
}
