import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The public-page unlock (SPEC §6): a value for a short-lived cookie saying "this browser gave the
 * right password for video V while its password was version N, until T". Signed with HMAC-SHA256
 * under a key derived from AUTH_SECRET for this purpose only (a session cookie's signature is never
 * a valid unlock, nor the reverse). Changing or removing the password bumps N: every earlier
 * unlock stops working.
 */
export interface Unlock {
  itemId: string;
  passwordVersion: number;
  expiresAt: number;
}

export interface UnlockSigner {
  sign(u: Unlock): string;
  /** The unlock, when the value is well-formed, signed by us and not expired; else null. */
  verify(value: string | undefined, now: number): Unlock | null;
}

export function createUnlockSigner(authSecret: string): UnlockSigner {
  const key = createHmac('sha256', authSecret).update('troupe share-page unlock v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    sign(u) {
      const payload = `${u.itemId}.${u.passwordVersion}.${u.expiresAt}`;
      return `${payload}.${mac(payload)}`;
    },
    verify(value, now) {
      if (!value || value.length > 200) return null;
      const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,9})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
      if (!m) return null;
      const [, itemId, version, expires, sig] = m as unknown as [string, string, string, string, string];
      const expected = Buffer.from(mac(`${itemId}.${version}.${expires}`));
      const given = Buffer.from(sig);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const expiresAt = Number(expires);
      if (expiresAt <= now) return null;
      return { itemId, passwordVersion: Number(version), expiresAt };
    },
  };
}
