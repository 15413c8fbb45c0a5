/**
 * A time as the API writes it: ISO 8601 in UTC with milliseconds, exactly what
 * `new Date(ms).toISOString()` gives ("2026-12-04T18:24:53.007Z").
 *
 * Written out by arithmetic instead of through a Date: V8's toISOString costs about 0.36 µs a
 * call, and a listing page presents 50 items with two times each (36 µs of a folder page's
 * ~300 µs of CPU, measured); this takes about 5 µs. The calendar date comes from the day number
 * by Howard Hinnant's `civil_from_days` (proleptic Gregorian, as Date). Outside the years
 * 1970-9999, or for a fractional or non-finite value, it is Date's own.
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < MAX_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;

  if (days !== lastDay) {
    lastDay = days;
    lastDayPrefix = datePrefix(days);
  }
  return `${lastDayPrefix}${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${THREE[millis]}Z`;
}

/**
 * "YYYY-MM-DDT" of a day number (days since 1970-01-01, 0..2932896): Howard Hinnant's
 * `civil_from_days`. A page's times often fall on one day: the last day's is kept.
 */
function datePrefix(days: number): string {
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO[month]}-${TWO[day]}T`;
}

let lastDay = -1;
let lastDayPrefix = '';

/** `isoTime`, or null for null. */
export const isoTimeOrNull = (ms: number | null): string | null => (ms === null ? null : isoTime(ms));

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on toISOString writes a six-digit year. */
const MAX_MS = 253_402_300_800_000;
const TWO = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(3, '0'));
