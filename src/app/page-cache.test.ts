import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache.ts';

/** A build that the test finishes (or fails) when it chooses, counting its calls. */
function controlledBuild() {
  let calls = 0;
  let finish: (body: string) => void = () => {};
  let fail: (err: Error) => void = () => {};
  const build = () => {
    calls++;
    return new Promise<{ body: string; validUntil: number }>((ok, ko) => {
      finish = (body) => ok({ body, validUntil: Number.POSITIVE_INFINITY });
      fail = ko;
    });
  };
  return { build, calls: () => calls, finish: (b: string) => finish(b), fail: (e: Error) => fail(e) };
}

/** As the callers use it: `get`, then `buildOnce` on a miss. */
async function page(
  cache: PageCache,
  key: string | null,
  now: number,
  build: () => Promise<{ body: string; validUntil: number }>,
): Promise<string> {
  return cache.get(key, now) ?? cache.buildOnce(key, now, build);
}

describe('PageCache.buildOnce', () => {
  it('builds a missed page once for every request that misses it meanwhile, then serves it kept', async () => {
    const cache = new PageCache(1024);
    const b = controlledBuild();
    const waiting = [
      page(cache, 'k', 0, b.build),
      page(cache, 'k', 0, b.build),
      page(cache, 'k', 0, b.build),
    ];
    expect(b.calls()).toBe(1);
    b.finish('{"n":1}');
    expect(await Promise.all(waiting)).toEqual(['{"n":1}', '{"n":1}', '{"n":1}']);
    expect(await page(cache, 'k', 0, b.build)).toBe('{"n":1}');
    expect(b.calls()).toBe(1);
    // Another key is another page.
    const other = page(cache, 'k2', 0, b.build);
    expect(b.calls()).toBe(2);
    b.finish('{"n":2}');
    expect(await other).toBe('{"n":2}');
  });

  it('fails every waiter of a failed build, keeps nothing, and builds again at the next request', async () => {
    const cache = new PageCache(1024);
    const b = controlledBuild();
    const waiting = [page(cache, 'k', 0, b.build), page(cache, 'k', 0, b.build)];
    b.fail(new Error('database unavailable'));
    for (const w of waiting) await expect(w).rejects.toThrow('database unavailable');
    expect(cache.get('k', 0)).toBeUndefined();
    const again = page(cache, 'k', 0, b.build);
    expect(b.calls()).toBe(2);
    b.finish('{"n":3}');
    expect(await again).toBe('{"n":3}');
  });

  it('builds for each request when the request read no version (key null) or the cache is off', async () => {
    for (const [cache, key] of [
      [new PageCache(1024), null],
      [new PageCache(0), 'k'],
    ] as const) {
      const b = controlledBuild();
      const one = page(cache, key, 0, b.build);
      b.finish('{"n":1}');
      const two = page(cache, key, 0, b.build);
      b.finish('{"n":2}');
      expect([await one, await two]).toEqual(['{"n":1}', '{"n":2}']);
      expect(b.calls()).toBe(2);
    }
  });

  it('builds again once the kept page is past its validUntil', async () => {
    const cache = new PageCache(1024);
    let n = 0;
    const build = async () => ({ body: String(++n), validUntil: 100 });
    expect(await page(cache, 'k', 0, build)).toBe('1');
    expect(await page(cache, 'k', 99, build)).toBe('1');
    expect(await page(cache, 'k', 100, build)).toBe('2');
  });

  it('does not hand a waiter a page that expired before its own now: the waiter builds its own', async () => {
    const cache = new PageCache(1024);
    let finish: (p: { body: string; validUntil: number }) => void = () => {};
    const slow = () => new Promise<{ body: string; validUntil: number }>((ok) => (finish = ok));
    const first = page(cache, 'k', 50, slow);
    let own = 0;
    const late = page(cache, 'k', 150, async () => ({ body: `own ${++own}`, validUntil: 1000 }));
    finish({ body: 'built at 50', validUntil: 100 });
    expect(await first).toBe('built at 50');
    expect(await late).toBe('own 1');
  });
});
