import { LRUCache } from 'lru-cache';

/** One serialized page and the time after which it is stale (an invitation on it expires, say). */
export interface CachedPage {
  body: string;
  validUntil: number;
}

/**
 * Serialized pages (the JSON a list route sends), kept in process memory and bounded in bytes
 * (least recently used dropped first). Their keys carry versions of the workspace that the
 * database bumps in the same transaction as every change the page shows (triggers:
 * `members_version`, migration 0005; `items_version` and `grants_version`, migrations 0044 and
 * 0047) and that each request reads with its session or API key: a page stored under version v is
 * exact for every reader who read v, on any node, and a change makes the next request miss. Old
 * versions age out.
 */
export class PageCache {
  readonly #lru: LRUCache<string, CachedPage> | null;

  readonly #stats: { lookup(hit: boolean): void } | null;

  /** Pages being built, by key: what the requests that miss one meanwhile wait for. */
  readonly #building = new Map<string, Promise<CachedPage>>();

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

  /**
   * A page `get` did not find under `key`: built by `build` and kept for the next request. The
   * requests that miss a key while its page is being built wait for that build instead of building
   * it again: after a change every reader of a busy page misses at once, and each would otherwise
   * read and serialize the same page (the same key is the same page, whoever asks: see the callers'
   * keys). A waiter takes the page only if it is still valid at its own `now` (else it builds its
   * own). A failed build fails its waiters too and keeps nothing. `key` null (the request read no
   * version) or the cache off: built for this request only. (Callers look up with `get` first, so a
   * hit costs no promise or closure.)
   */
  async buildOnce(key: string | null, now: number, build: () => Promise<CachedPage>): Promise<string> {
    if (key === null || this.#lru === null) return (await build()).body;
    const building = this.#building.get(key);
    if (building) {
      const p = await building;
      return p.validUntil > now ? p.body : (await build()).body;
    }
    const built = build()
      .then((p) => {
        this.set(key, p.body, p.validUntil);
        return p;
      })
      .finally(() => this.#building.delete(key));
    this.#building.set(key, built);
    return (await built).body;
  }

  /** The page kept under `key` while valid at `now`; `key` null (the request read no version): none. */
  get(key: string | null, now: number): string | undefined {
    if (key === null) return undefined;
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
