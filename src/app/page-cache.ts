import { LRUCache } from 'lru-cache';

/** One serialized page and the time after which it is stale (an invitation on it expires, say). */
interface CachedPage {
  body: string;
  validUntil: number;
}

/**
 * Serialized pages (the JSON a list route sends), kept in process memory and bounded in bytes
 * (least recently used dropped first). Their keys carry a version of the workspace that the
 * database bumps in the same transaction as every change the page shows (triggers:
 * `members_version`, migration 0005; `items_version`, migration 0044) and that each request reads
 * with its session or API key: a page stored under version v is exact for every reader who read
 * v, on any node, and a change makes the next request miss. Old versions age out.
 */
export class PageCache {
  readonly #lru: LRUCache<string, CachedPage> | null;

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
