import { invalid } from '../../domain/errors.ts';

/** Opaque keyset cursors: base64url of a JSON array of the last row's sort values. */
export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string'))
      return values;
  } catch {}
  throw invalid('cursor', 'Not a cursor this API gave out');
}

/**
 * A cursor whose first value is an integer (a time in milliseconds, a sort rank) and the rest
 * strings, as the listings that page by one write it: anything else is not a cursor they gave out
 * (and would reach PostgreSQL's integer columns as a value they refuse).
 */
export function decodeNumberedCursor(cursor: string, arity: number): [number, ...string[]] {
  const [first = '', ...rest] = decodeCursor(cursor, arity);
  const n = Number(first);
  if (first.trim() === '' || !Number.isSafeInteger(n))
    throw invalid('cursor', 'Not a cursor this API gave out');
  return [n, ...rest];
}
