import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('is 26 url-safe characters', () => {
    expect(newId()).toMatch(/^[0-9a-z]{26}$/);
  });
  it('sorts by time, and by creation order within one millisecond', () => {
    const ids = [newId(1000), newId(1000), newId(1000), newId(2000), newId(2000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('stays ordered when the clock goes backwards', () => {
    const a = newId(5_000_000);
    const b = newId(4_000_000);
    expect(b > a).toBe(true);
  });
});
