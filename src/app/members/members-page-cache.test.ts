import { describe, expect, it } from 'vitest';
import { MembersPageCache } from './members-page-cache.ts';

describe('MembersPageCache', () => {
  it('returns a stored page until its validUntil, then forgets it', () => {
    const cache = new MembersPageCache(1024);
    cache.set('k', '{"a":1}', 1000);
    expect(cache.get('k', 999)).toBe('{"a":1}');
    expect(cache.get('k', 1000)).toBeUndefined();
    expect(cache.get('k', 0)).toBeUndefined(); // dropped when it was found stale
  });

  it('holds at most maxBytes, dropping the least recently used page first', () => {
    const cache = new MembersPageCache(100);
    cache.set('a', 'x'.repeat(40), Number.POSITIVE_INFINITY);
    cache.set('b', 'y'.repeat(40), Number.POSITIVE_INFINITY);
    expect(cache.get('a', 0)).toBeDefined(); // a is now the most recently used
    cache.set('c', 'z'.repeat(40), Number.POSITIVE_INFINITY);
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)).toBeDefined();
    expect(cache.get('c', 0)).toBeDefined();
  });

  it('stores nothing when turned off (0 bytes)', () => {
    const cache = new MembersPageCache(0);
    cache.set('k', '{}', Number.POSITIVE_INFINITY);
    expect(cache.get('k', 0)).toBeUndefined();
  });

  it('keeps a workspace summary per members version only', () => {
    const cache = new MembersPageCache(1024);
    cache.setSummary('w1', 7, { seatLimit: 5, seatsUsed: 2, superAdmins: 1 });
    expect(cache.summary('w1', 7)).toEqual({ seatLimit: 5, seatsUsed: 2, superAdmins: 1 });
    expect(cache.summary('w1', 8)).toBeUndefined(); // a seat, role or membership changed since
    expect(cache.summary('w2', 7)).toBeUndefined();
    const off = new MembersPageCache(0);
    off.setSummary('w1', 7, { seatLimit: 5, seatsUsed: 2, superAdmins: 1 });
    expect(off.summary('w1', 7)).toBeUndefined();
  });
});
