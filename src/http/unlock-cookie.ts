/**
 * The public-page unlock cookie (one per video): `troupe_unlock_<itemId>` (with the `__Host-`
 * prefix behind https), httpOnly, for 4 hours. Behind https it is `SameSite=None; Secure;
 * Partitioned`, so that an embed on another site can unlock within that site's partition (and an
 * unlock made on our own page is never sent from other sites); over plain http it is `SameSite=Lax`.
 */
export const UNLOCK_TTL_MS = 4 * 3600_000;

export function unlockCookieName(itemId: string, secure: boolean): string {
  return `${secure ? '__Host-' : ''}troupe_unlock_${itemId}`;
}

export function unlockSetCookie(itemId: string, value: string, secure: boolean): string {
  const attrs = secure ? 'Secure; SameSite=None; Partitioned' : 'SameSite=Lax';
  return `${unlockCookieName(itemId, secure)}=${value}; Path=/; Max-Age=${UNLOCK_TTL_MS / 1000}; HttpOnly; ${attrs}`;
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
