import { createHash, randomBytes } from 'node:crypto';

/** A new secret token: 256 bits from the CSPRNG, base64url (43 characters). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What we store instead of a token: its SHA-256, hex. Tokens are high-entropy, so no salt is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
