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
