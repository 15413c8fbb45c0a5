import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrustProxy } from './config.ts';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'troupe-config-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('defaults to port 3000, SQLite under DATA_DIR and the dev mailbox', () => {
    const d = dir();
    const c = loadConfig({ DATA_DIR: d });
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      sqlitePath: join(d, 'troupe.sqlite'),
      smtpUrl: null,
    });
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('switches to PostgreSQL on a postgres:// DATABASE_URL', () => {
    const c = loadConfig({ DATA_DIR: dir(), DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(c.databaseUrl).toBe('postgres://u@h:5432/db');
  });

  it('generates AUTH_SECRET once and keeps it in DATA_DIR', () => {
    const d = dir();
    const first = loadConfig({ DATA_DIR: d }).authSecret;
    expect(first.length).toBeGreaterThanOrEqual(43);
    expect(loadConfig({ DATA_DIR: d }).authSecret).toBe(first);
    expect(readFileSync(join(d, 'auth-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(d, 'auth-secret')).mode & 0o077).toBe(0);
  });

  it('names every bad value in one message', () => {
    let err: unknown;
    try {
      loadConfig({
        DATA_DIR: dir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        PUBLIC_URL: 'not a url',
        SMTP_URL: 'http://mail',
        AUTH_SECRET: 'short',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'PUBLIC_URL', 'SMTP_URL', 'AUTH_SECRET'])
      expect(message).toContain(name);
  });

  it('trusts no proxy by default and caps sign-ups at 5 an hour per client', () => {
    const c = loadConfig({ DATA_DIR: dir() });
    expect(c.trustProxy).toBe(false);
    expect(c.signUpRateLimit).toBe(5);
    expect(loadConfig({ DATA_DIR: dir(), SIGN_UP_RATE_LIMIT: '50' }).signUpRateLimit).toBe(50);
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['false', false],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.168.0.0/16,::1', ['10.0.0.0/8', '192.168.0.0/16', '::1']],
    ['loopback, fd00::/8', ['loopback', 'fd00::/8']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
    expect(loadConfig({ DATA_DIR: dir(), TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['yes', '1', '0', '10.0.0.0/33', '10.0.0', 'example.com', '::1/129', '1,,x', '10.0.0.0/8/1'])(
    'refuses TRUST_PROXY=%s',
    (value) => {
      expect(parseTrustProxy(value)).toBeNull();
      expect(() => loadConfig({ DATA_DIR: dir(), TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    },
  );
});
