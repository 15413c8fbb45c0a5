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
  open(sealed: string): string;
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
      const decipher = createDecipheriv('aes-256-gcm', sealKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}
