import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Public-page slugs at rest (SPEC §6 links are bearer tokens): the database keeps an HMAC of the
 * slug to find the page by (`lookup`) and the slug sealed with AES-256-GCM (`seal`/`open`) so its
 * owner can see and copy the link again. Both keys are derived from AUTH_SECRET, which is never in
 * the database: a copy of the database gives away no working link.
 */
export interface SlugSealer {
  lookup(slug: string): string;
  seal(slug: string): string;
  /**
   * The slug, or null when `sealed` does not open under this AUTH_SECRET: sealed under another
   * one (a backup restored with a different secret) or damaged. The GCM tag decides; never throws.
   */
  open(sealed: string): string | null;
}

export function createSlugSealer(authSecret: string): SlugSealer {
  const derive = (purpose: string) => createHmac('sha256', authSecret).update(purpose).digest();
  const lookupKey = derive('troupe share-page slug lookup v1');
  const sealKey = derive('troupe share-page slug seal v1');
  return {
    lookup: (slug) => createHmac('sha256', lookupKey).update(slug).digest('hex'),
    seal(slug) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      const body = Buffer.concat([cipher.update(slug, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < 12 + 16) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        // The tag does not match: another key sealed it, or it was changed.
        return null;
      }
    },
  };
}
