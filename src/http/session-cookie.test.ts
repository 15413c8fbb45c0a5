import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionCookieReader, createSessionCookieWriter } from './session-cookie.ts';

const secret = 'a-secret-of-enough-length-for-hmac';
const sign = (token: string, key = secret) =>
  encodeURIComponent(`${token}.${createHmac('sha256', key).update(token).digest('base64')}`);
const read = createSessionCookieReader('troupe.session_token', secret);

describe('session cookie reader', () => {
  it('returns the token of a correctly signed cookie among others', () => {
    expect(read(`a=1; troupe.session_token=${sign('tok123')}; b=2`)).toBe('tok123');
    expect(read(`troupe.session_token=${sign('tok123')}`)).toBe('tok123');
  });
  it.each([
    ['no header', undefined],
    ['no cookie', 'a=1'],
    ['signed with another key', `troupe.session_token=${sign('tok123', 'another-secret-another-secret-xx')}`],
    ['unsigned', 'troupe.session_token=tok123'],
    ['truncated signature', `troupe.session_token=${sign('tok123').slice(0, -6)}`],
    ['bad encoding', 'troupe.session_token=%E0%A4%A'],
    ['look-alike name', `xtroupe.session_token=${sign('tok123')}`],
  ])('refuses %s', (_what, header) => {
    expect(read(header)).toBeNull();
  });
  it('remembers valid values only, and only so many', () => {
    const small = createSessionCookieReader('troupe.session_token', secret, 2);
    for (const t of ['t1', 't2', 't3', 't1']) expect(small(`troupe.session_token=${sign(t)}`)).toBe(t);
    const forged = `troupe.session_token=${encodeURIComponent(`t1.${Buffer.alloc(32).toString('base64')}`)}`;
    expect(small(forged)).toBeNull();
    expect(small(forged)).toBeNull();
    expect(small(`troupe.session_token=${sign('t2')}`)).toBe('t2');
  });
});

describe('session cookie writer', () => {
  it("writes Better Auth's cookie: signed so the reader takes it, with its attributes and the new lifetime", async () => {
    const { getCookies } = await import('better-auth/cookies');
    const { makeSignature } = await import('better-auth/crypto');
    const shape = getCookies({
      baseURL: 'https://troupe.example',
      secret,
      advanced: {
        cookiePrefix: 'troupe',
        useSecureCookies: true,
        defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', secure: true },
      },
    }).sessionToken;
    const write = createSessionCookieWriter(shape, secret, makeSignature);
    const now = Date.UTC(2026, 0, 1);
    const set = await write.set('tok123', now + 30 * 86_400_000, now);
    expect(set).toMatch(
      /^__Secure-troupe\.session_token=[^;]+; Max-Age=2592000; Expires=Sat, 31 Jan 2026 00:00:00 GMT; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const value = set.slice(0, set.indexOf(';'));
    expect(createSessionCookieReader(shape.name, secret)(value)).toBe('tok123');
    expect(value).toBe(`__Secure-troupe.session_token=${sign('tok123')}`);
    expect(write.clear()).toBe(
      '__Secure-troupe.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });
});
