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

/** The session cookie's name and attributes, as Better Auth sets it (`getCookies(options).sessionToken`). */
export interface SessionCookieShape {
  name: string;
  attributes: {
    path?: string;
    domain?: string;
    httpOnly?: boolean;
    secure?: boolean;
    sameSite?: string | boolean;
  };
}

/** Writes the session cookie the way Better Auth does, for Troupe's own renewals and sign-outs. */
export interface SessionCookieWriter {
  readonly name: string;
  /** A Set-Cookie value carrying `token` (signed as Better Auth signs it), kept by the browser until `expiresAt`. */
  set(token: string, expiresAt: number, now: number): Promise<string>;
  /** A Set-Cookie value that removes the session cookie from the browser. */
  clear(): string;
}

/**
 * The cookie Better Auth sets at sign-in, set again: its name and attributes come from Better Auth
 * (httpOnly, SameSite, Secure and the `__Secure-` prefix behind https), and its value is signed with
 * Better Auth's own `makeSignature` (HMAC-SHA256 under the secret), so `createSessionCookieReader`
 * and Better Auth read it as theirs.
 */
export function createSessionCookieWriter(
  cookie: SessionCookieShape,
  secret: string,
  sign: (value: string, secret: string) => Promise<string>,
): SessionCookieWriter {
  const a = cookie.attributes;
  const sameSite = typeof a.sameSite === 'string' ? a.sameSite : a.sameSite ? 'strict' : '';
  const tail = [
    `Path=${a.path ?? '/'}`,
    ...(a.domain ? [`Domain=${a.domain}`] : []),
    ...(a.httpOnly ? ['HttpOnly'] : []),
    ...(a.secure ? ['Secure'] : []),
    ...(sameSite ? [`SameSite=${sameSite.charAt(0).toUpperCase()}${sameSite.slice(1).toLowerCase()}`] : []),
  ].join('; ');
  return {
    name: cookie.name,
    async set(token, expiresAt, now) {
      const value = encodeURIComponent(`${token}.${await sign(token, secret)}`);
      const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
      return `${cookie.name}=${value}; Max-Age=${maxAge}; Expires=${new Date(expiresAt).toUTCString()}; ${tail}`;
    },
    clear: () => `${cookie.name}=; Max-Age=0; ${tail}`,
  };
}

/**
 * Adds `setCookie` to the answer's Set-Cookie headers, unless the answer already sets the cookie
 * `name` (a sign-out or account deletion clearing it wins over a renewal).
 */
export function addSetCookie(
  reply: { getHeader(name: string): unknown; header(name: string, value: unknown): unknown },
  name: string,
  setCookie: string,
): void {
  const existing = reply.getHeader('set-cookie');
  const all = Array.isArray(existing) ? (existing as string[]) : existing ? [String(existing)] : [];
  if (all.some((c) => c.startsWith(`${name}=`))) return;
  reply.header('set-cookie', [...all, setCookie]);
}
