import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Reads Better Auth's signed session cookie without going through Better Auth: the value is
 * `encodeURIComponent(token + '.' + base64(HMAC-SHA256(secret, token)))`.
 * Returns the session token when the signature is valid, else null.
 */
export function createSessionCookieReader(cookieName: string, secret: string) {
  const needle = `${cookieName}=`;
  return function readSessionToken(cookieHeader: string | undefined): string | null {
    if (!cookieHeader) return null;
    let start = cookieHeader.indexOf(needle);
    // Make sure we matched a whole cookie name, not the tail of another one.
    while (start > 0 && cookieHeader[start - 1] !== ' ' && cookieHeader[start - 1] !== ';') {
      start = cookieHeader.indexOf(needle, start + 1);
    }
    if (start < 0) return null;
    const end = cookieHeader.indexOf(';', start);
    let value = cookieHeader.slice(start + needle.length, end < 0 ? undefined : end).trim();
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
    return token;
  };
}
