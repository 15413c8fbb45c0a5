import { invalid } from '../../domain/errors.ts';

/** Opaque keyset cursors: base64url of a JSON array of the last row's sort values. */
export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The sort values of a cursor this API gave out, `arity` strings; anything else (including a value
 * with U+0000, which no stored text holds and PostgreSQL refuses as a parameter) is 400 naming
 * `cursor`.
 */
export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === arity &&
      values.every((v) => typeof v === 'string' && !v.includes('\u0000'))
    )
      return values;
  } catch {}
  throw invalid('cursor', 'Not a cursor this API gave out');
}

/** PostgreSQL's `integer` (a sort rank's column): a cursor value outside it is refused there. */
export const INT4 = { min: -(2 ** 31), max: 2 ** 31 - 1 } as const;

/**
 * A cursor whose first value is an integer (a time in milliseconds, a sort rank) and the rest
 * strings, as the listings that page by one write it: anything else is not a cursor they gave out
 * (and would reach PostgreSQL's integer columns as a value they refuse). `range`: the column's
 * (`INT4` for a rank); a time is any safe integer (`bigint`).
 */
export function decodeNumberedCursor(
  cursor: string,
  arity: number,
  range: { min: number; max: number } = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
): [number, ...string[]] {
  const [first = '', ...rest] = decodeCursor(cursor, arity);
  const n = Number(first);
  if (first.trim() === '' || !Number.isSafeInteger(n) || n < range.min || n > range.max)
    throw invalid('cursor', 'Not a cursor this API gave out');
  return [n, ...rest];
}
