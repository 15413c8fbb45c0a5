import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newToken } from './tokens.ts';

describe('hashToken', () => {
  it('is the SHA-256 of the token, hex (the form every stored token hash has)', () => {
    // FIPS 180-2's test vector.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (let i = 0; i < 20; i++) {
      const token = newToken();
      expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    }
  });

  it('hashes the UTF-8 of the string', () => {
    expect(hashToken('é')).toBe(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex'));
  });
});
