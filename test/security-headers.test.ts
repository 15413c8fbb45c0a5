/**
 * Pins every header of the answers that matter for security (and the route-specific ones beside
 * them): an API route (success, 401, 404, CSRF 403), the web app (page, client-side route, asset),
 * the public video page /v/:slug and its embed /embed/:slug (the one page that may be framed), and
 * the API docs (their own CSP). Written against @fastify/helmet's output before it was replaced by
 * headers computed once at start (src/http/security-headers.ts): the same bytes must go out.
 * Only headers whose values change per request or per file (date, length, request id, etag,
 * last-modified, connection) are left out, and the request id is checked to be there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './harness.ts';

const VOLATILE = [
  'date',
  'content-length',
  'x-request-id',
  'etag',
  'last-modified',
  'connection',
  'keep-alive',
];

const APP_CSP = (https: boolean) =>
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'none';" +
  "img-src 'self' data: blob:;object-src 'none';script-src 'self';script-src-attr 'none';" +
  `style-src 'self' 'unsafe-inline';${https ? 'upgrade-insecure-requests;' : ''}media-src 'self' blob:;connect-src 'self'`;
const PUBLIC_CSP = (frameAncestors: string) =>
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; " +
  `form-action 'self'; frame-ancestors ${frameAncestors}`;
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; " +
  "img-src 'self' data: validator.swagger.io; object-src 'none'; script-src 'self' ; " +
  // Swagger UI sets inline styles as it renders: its page alone allows them (no CSP console error).
  "script-src-attr 'none'; style-src 'self' https: 'unsafe-inline' ; upgrade-insecure-requests;";

/** What every answer carries (helmet 8's defaults with our CSP), behind http and behind https. */
const common = (https: boolean): Record<string, string> => ({
  'content-security-policy': APP_CSP(https),
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  ...(https ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

const PROBLEM = 'application/problem+json; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
/** What every file of the web build is sent with (@fastify/static, its compressed copies on). */
const WEB_FILE = { 'accept-ranges': 'bytes', vary: 'accept-encoding' };

/** Per request: the expected status and the headers beyond (or replacing) the common ones; null removes one. */
const cases: {
  what: string;
  method?: 'GET' | 'POST';
  url: string;
  cookie?: boolean;
  headers?: Record<string, string>;
  status: number;
  extra: (https: boolean) => Record<string, string | null>;
}[] = [
  {
    what: 'API route, signed in',
    url: '/api/me',
    cookie: true,
    status: 200,
    extra: () => ({ 'cache-control': 'no-store', 'content-type': JSON_TYPE }),
  },
  {
    what: 'API route, 401',
    url: '/api/me',
    status: 401,
    extra: () => ({ 'cache-control': 'no-store', 'content-type': PROBLEM }),
  },
  {
    what: 'API route, CSRF 403',
    method: 'POST',
    url: '/api/workspaces',
    cookie: true,
    headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    status: 403,
    extra: () => ({ 'cache-control': 'no-store', 'content-type': PROBLEM }),
  },
  {
    what: 'unknown API route',
    url: '/api/nope',
    status: 404,
    extra: () => ({ 'cache-control': 'no-store', 'content-type': PROBLEM }),
  },
  { what: 'health', url: '/healthz', status: 200, extra: () => ({ 'content-type': JSON_TYPE }) },
  {
    what: 'OpenAPI document',
    url: '/api/openapi.json',
    status: 200,
    extra: () => ({ 'cache-control': 'no-store', 'content-type': JSON_TYPE }),
  },
  {
    what: 'API docs (their own CSP)',
    url: '/api/docs',
    status: 200,
    extra: () => ({ 'content-security-policy': DOCS_CSP, 'cache-control': 'no-store', 'content-type': HTML }),
  },
  {
    what: 'web app page',
    url: '/',
    status: 200,
    // Vary: the build's files may be sent compressed (preCompressed; test/http.test.ts).
    extra: () => ({ ...WEB_FILE, 'cache-control': 'no-cache', 'content-type': HTML }),
  },
  {
    what: 'web app client-side route',
    url: '/members/settings',
    status: 200,
    extra: () => ({ ...WEB_FILE, 'cache-control': 'no-cache', 'content-type': HTML }),
  },
  {
    what: 'web app asset',
    url: '/assets/app-abc123.js',
    status: 200,
    extra: () => ({
      ...WEB_FILE,
      'cache-control': 'public, max-age=31536000, immutable',
      'content-type': 'application/javascript; charset=utf-8',
    }),
  },
  {
    what: 'public video page',
    url: '/v/abcdefghijklmnop',
    status: 404,
    extra: () => ({
      'content-security-policy': PUBLIC_CSP("'none'"),
      'x-robots-tag': 'noindex, nofollow',
      'cache-control': 'no-store',
      'content-type': HTML,
    }),
  },
  {
    what: 'embed (may be framed anywhere)',
    url: '/embed/abcdefghijklmnop',
    status: 404,
    extra: () => ({
      'content-security-policy': PUBLIC_CSP('*'),
      'x-frame-options': null,
      'cross-origin-resource-policy': 'cross-origin',
      'x-robots-tag': 'noindex, nofollow',
      'cache-control': 'no-store',
      'content-type': HTML,
    }),
  },
];

describe.each([
  ['http', false],
  ['https', true],
])('security headers behind %s', (_label, https) => {
  let app: TestApp;
  let web: string;
  let cookie: string;
  beforeAll(async () => {
    web = mkdtempSync(join(tmpdir(), 'troupe-headers-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Troupe</title>');
    writeFileSync(join(web, 'assets', 'app-abc123.js'), 'console.log(1)');
    app = await startTestApp('sqlite', {
      webDist: web,
      env: https ? { PUBLIC_URL: 'https://troupe.example' } : {},
    });
    const origin = https ? 'https://troupe.example' : 'http://localhost:3000';
    const res = await app.request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      headers: { origin },
      body: {
        email: `headers-${https ? 's' : 'p'}@example.com`,
        name: 'Headers',
        password: 'correct horse battery',
      },
    });
    expect(res.statusCode).toBe(200);
    const raw = res.headers['set-cookie'];
    const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
    cookie = all.find((c) => c.includes('session_token='))?.split(';')[0] as string;
    expect(cookie).toBeTruthy();
  });
  afterAll(async () => {
    await app.close();
    rmSync(web, { recursive: true, force: true });
  });

  it.each(cases)('$what: $method $url', async (c) => {
    const res = await app.request({
      method: c.method ?? 'GET',
      url: c.url,
      ...(c.cookie ? { cookie } : {}),
      headers: c.headers ?? {},
      ...(c.method === 'POST' ? { body: { name: 'x' } } : {}),
    });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const got = Object.fromEntries(Object.entries(res.headers).filter(([k]) => !VOLATILE.includes(k)));
    const want: Record<string, string> = { ...common(https) };
    for (const [k, v] of Object.entries(c.extra(https))) {
      if (v === null) delete want[k];
      else want[k] = v;
    }
    expect(got).toEqual(want);
  });
});
