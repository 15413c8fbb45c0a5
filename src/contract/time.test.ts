import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime, isoTimeOrNull } from './time.ts';

const viaDate = (ms: number) => new Date(ms).toISOString();

describe('isoTime writes what toISOString writes', () => {
  it.each([
    ['the epoch', 0],
    ['one millisecond in', 1],
    ['the end of 1999', Date.UTC(1999, 11, 31, 23, 59, 59, 999)],
    ['2000-02-29 (a leap day of a year divisible by 400)', Date.UTC(2000, 1, 29, 12, 0, 0, 5)],
    ['2100-03-01 (after a century without a leap day)', Date.UTC(2100, 2, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29, 23, 59, 59, 99)],
    ['2026-12-31, the last millisecond of a year', Date.UTC(2026, 11, 31, 23, 59, 59, 999)],
    ['the last millisecond of year 9999', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
  ])('%s', (_, ms) => {
    expect(isoTime(ms)).toBe(viaDate(ms));
  });

  it('for every millisecond time from 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
        expect(isoTime(ms)).toBe(viaDate(ms));
      }),
      { numRuns: 20_000 },
    );
  });

  it('for every day boundary (±1 ms) of the years 1970-2200', () => {
    for (let day = 0; day <= 84_000; day++) {
      const ms = day * 86_400_000;
      for (const t of day === 0 ? [ms, ms + 1] : [ms - 1, ms, ms + 1]) expect(isoTime(t)).toBe(viaDate(t));
    }
  });

  it("leaves what is outside 1970-9999, or not a whole millisecond, to Date (which throws on what isn't a time)", () => {
    for (const ms of [-1, -86_400_000, Date.UTC(10_000, 0, 1), 1.5]) expect(isoTime(ms)).toBe(viaDate(ms));
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });

  it('isoTimeOrNull passes null through', () => {
    expect(isoTimeOrNull(null)).toBeNull();
    expect(isoTimeOrNull(86_400_000)).toBe('1970-01-02T00:00:00.000Z');
  });
});
