import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Reads Better Auth's signed session cookie without going through Better Auth: the value is
 * `encodeURIComponent(token + '.' + base64(HMAC-SHA256(secret, token)))`.
 * Returns the session token when the signature is valid, else null.
 *
 * The last `remember` values whose signature checked out are remembered, so a signed-in
 * client's next requests skip the HMAC. Only valid values are stored: nobody without
 * the secret can add one, and whether the session still exists is the database's answer, every
 * request.
 */
export function createSessionCookieReader(cookieName: string, secret: string, remember = 10_000) {
  const needle = `${cookieName}=`;
  const verified = new Map<string, string>();
  return function readSessionToken(cookieHeader: string | undefined): string | null {
    if (!cookieHeader) return null;
    let start = cookieHeader.indexOf(needle);
    // Make sure we matched a whole cookie name, not the tail of another one.
    while (start > 0 && cookieHeader[start - 1] !== ' ' && cookieHeader[start - 1] !== ';') {
      start = cookieHeader.indexOf(needle, start + 1);
    }
    if (start < 0) return null;
    const end = cookieHeader.indexOf(';', start);
    const raw = cookieHeader.slice(start + needle.length, end < 0 ? undefined : end).trim();
    const known = verified.get(raw);
    if (known !== undefined) return known;
    let value = raw;
    try {
      value = decodeURIComponent(value);
    } catch {
      return null;
    }
    const dot = value.lastIndexOf('.');
    if (dot <= 0) return null;
    const token = value.slice(0, dot);
    const given = Buffer.from(value.slice(dot + 1), 'base64');
    const expected = createHmac('sha256', secret).update(token).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (verified.size >= remember) verified.delete(verified.keys().next().value as string);
    verified.set(raw, token);
    return token;
  };
}
