import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../src/contract/errors.ts';
import { withMediaTypes } from '../src/http/openapi-media.ts';
import { precompressAssets } from '../web/precompress.ts';
import { dialects, signUp, startTestApp, type TestApp } from './harness.ts';

describe.each(dialects)('http surface on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers unknown API routes with a problem+json 404', async () => {
    const res = await app.request({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 404,
      code: 'not_found',
      title: 'Not Found',
      type: expect.stringContaining('not-found'),
    });
    expect(res.json().requestId).toBe(res.headers['x-request-id']);
  });

  it('keeps a caller-supplied request id and makes one otherwise', async () => {
    const given = await app.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await app.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves liveness and readiness', async () => {
    expect((await app.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.request({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { database: 'up' },
    });
  });

  it('sends security headers', async () => {
    const res = await app.request({ method: 'GET', url: '/api/me' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('tells every cache not to store API responses, errors included', async () => {
    const { cookie } = await signUp(app);
    const responses = {
      me: await app.request({ method: 'GET', url: '/api/me', cookie }),
      unauthenticated: await app.request({ method: 'GET', url: '/api/me' }),
      workspaces: await app.request({ method: 'GET', url: '/api/workspaces', cookie }),
      created: await app.request({
        method: 'POST',
        url: '/api/workspaces',
        cookie,
        body: { name: 'Cached' },
      }),
      invalid: await app.request({ method: 'POST', url: '/api/workspaces', cookie, body: { name: 1 } }),
      notFound: await app.request({ method: 'GET', url: '/api/nope' }),
      betterAuth: await app.request({ method: 'GET', url: '/api/auth/get-session', cookie }),
      signIn: await app.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: 'nobody@example.com', password: 'wrong password' },
      }),
    };
    for (const [name, res] of Object.entries(responses)) {
      expect(res.headers['cache-control'], name).toBe('no-store');
    }
  });

  it('publishes an OpenAPI document covering the API, and a docs page', async () => {
    const res = await app.request({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/me',
      '/api/workspaces',
      '/api/workspaces/{ws}',
      '/api/auth/sign-up/email',
      '/api/auth/sign-in/email',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/api/workspaces'].post.requestBody).toBeDefined();
    // The stream is an event stream, not JSON; unlocking a public video answers {unlocked: true}.
    const content = (path: string, method: string) =>
      Object.keys(doc.paths[path][method].responses['200'].content ?? {});
    expect(content('/api/notifications/stream', 'get')).toEqual(['text/event-stream']);
    expect(
      doc.paths['/api/public/videos/{slug}/unlock'].post.responses['200'].content['application/json'].schema,
    ).toMatchObject({ properties: { unlocked: { type: 'boolean', enum: [true] } }, required: ['unlocked'] });
    const docs = await app.request({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });

  it('documents the bodies that are not JSON: the uploads, and the files, posters and captions they answer', async () => {
    const doc = (await app.request({ method: 'GET', url: '/api/openapi.json' })).json();
    const op = (path: string, method: string) => doc.paths[path][method];
    const types = (o: { content?: object }) => Object.keys(o.content ?? {});
    const upload = op('/api/items/{id}/file', 'put').requestBody;
    expect(upload.required).toBe(true);
    expect(types(upload)).toEqual([
      'video/mp4',
      'video/webm',
      'application/octet-stream',
      'multipart/form-data',
    ]);
    expect(upload.content['multipart/form-data'].schema).toMatchObject({
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
    expect(types(op('/api/items/{id}/poster', 'put').requestBody)).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
    ]);
    for (const path of ['/api/items/{id}/file', '/api/public/videos/{slug}/file']) {
      const responses = op(path, 'get').responses;
      expect(Object.keys(responses).sort()).toEqual(['200', '206', '304', '412', '416', '4XX', '5XX']);
      expect(types(responses['200'])).toEqual(['video/mp4', 'video/webm']);
      expect(types(responses['206'])).toContain('multipart/byteranges');
      expect(types(responses['416'])).toEqual(['application/problem+json']);
    }
    for (const path of ['/api/items/{id}/poster', '/api/public/videos/{slug}/poster'])
      expect(types(op(path, 'get').responses['200'])).toEqual(['image/jpeg', 'image/png', 'image/webp']);
    for (const path of [
      '/api/items/{id}/captions/{trackId}/vtt',
      '/api/public/videos/{slug}/captions/{trackId}',
    ])
      expect(types(op(path, 'get').responses['200'])).toEqual(['text/vtt']);
  });

  it("documents every operation's errors as problem+json with the codes the API sends", async () => {
    const doc = (await app.request({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.components.schemas.Problem.properties.code.enum).toEqual([...errorCodes]);
    expect(doc.components.responses.Problem.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    const missing: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, { responses: object }>>,
    ))
      for (const [method, op] of Object.entries(ops)) {
        operations += 1;
        for (const range of ['4XX', '5XX'])
          if ((op.responses as Record<string, unknown>)[range] === undefined)
            missing.push(`${method} ${path} ${range}`);
      }
    expect(operations).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    // What a refusal sends is what the document says: the required fields, a documented code.
    const refused = await app.request({ method: 'GET', url: '/api/me' });
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = refused.json();
    for (const field of doc.components.schemas.Problem.required) expect(body).toHaveProperty(field);
    expect(doc.components.schemas.Problem.properties.code.enum).toContain(body.code);
  });

  it('throws, naming it, for a media description of an operation the document lacks (the document then fails to build)', () => {
    const doc = { paths: { '/api/items/{id}/file': { get: { responses: {} } } } };
    expect(() => withMediaTypes(doc, { 'get /api/items/{id}/film': { responses: {} } })).toThrow(
      /no operation get \/api\/items\/\{id\}\/film/,
    );
    expect(
      withMediaTypes(doc, { 'get /api/items/{id}/file': { responses: { 304: { description: 'x' } } } }),
    ).toMatchObject({
      paths: { '/api/items/{id}/file': { get: { responses: { 304: { description: 'x' } } } } },
    });
  });

  it('refuses bodies over the size limit with 413', async () => {
    const { cookie } = await signUp(app);
    const res = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie,
      body: { name: 'x'.repeat(300_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('payload_too_large');
  });

  it('refuses a non-JSON body on JSON routes with 415', async () => {
    const { cookie } = await signUp(app);
    const res = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie,
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_media_type');
  });

  it('serves the dev mailbox outside production', async () => {
    const { email } = await signUp(app);
    const page = await app.request({ method: 'GET', url: '/dev/mailbox' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(email);
    const json = (await app.request({ method: 'GET', url: '/dev/mailbox.json' })).json();
    const mail = json.mails.find((m: { to: string }) => m.to === email);
    expect(mail).toMatchObject({ subject: 'Verify your email for Troupe' });
    expect(mail.links[0]).toContain('/api/auth/verify-email?token=');
  });
});

describe('production mode', () => {
  it('has no dev mailbox', async () => {
    const app = await startTestApp('sqlite', { env: { NODE_ENV: 'production' } });
    try {
      expect((await app.request({ method: 'GET', url: '/dev/mailbox' })).statusCode).toBe(404);
      expect((await app.request({ method: 'GET', url: '/dev/mailbox.json' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('marks the session cookie Secure behind an https PUBLIC_URL', async () => {
    const app = await startTestApp('sqlite', { env: { PUBLIC_URL: 'https://troupe.example.com' } });
    try {
      const res = await app.request({
        method: 'POST',
        url: '/api/auth/sign-up/email',
        body: { email: 'sec@example.com', password: 'long enough pw', name: 'Sec' },
        headers: { origin: 'https://troupe.example.com' },
      });
      expect(res.statusCode).toBe(200);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toContain('__Secure-troupe.session_token=');
      expect(cookie).toMatch(/; Secure/);
      const me = await app.request({
        method: 'GET',
        url: '/api/me',
        cookie: cookie.split(';')[0],
      });
      expect(me.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('the web app', () => {
  it('serves a build made while the server runs, without a restart', async () => {
    // A secret-looking file beside the build directory, which must never be reachable.
    const base = mkdtempSync(join(tmpdir(), 'troupe-web-'));
    writeFileSync(join(base, 'package.json'), '{"dependencies": {}}');
    const dist = join(base, 'dist');
    mkdirSync(dist);
    const app = await startTestApp('sqlite', { webDist: dist });
    try {
      const get = (url: string) => app.request({ method: 'GET', url });
      // Not built yet: no page, and the API's 404s stay problem+json.
      expect((await get('/')).statusCode).toBe(404);
      expect((await get('/members')).statusCode).toBe(404);

      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Troupe</title>');
      writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
      writeFileSync(join(dist, '.env'), 'SECRET=1');

      const page = await get('/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Troupe</title>');
      expect(page.headers['cache-control']).toBe('no-cache');
      const asset = await get('/assets/app-abc123.js');
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      // Client-side routes get the page; unknown API and asset paths a problem+json 404.
      expect((await get('/workspaces/x/members')).body).toContain('<title>Troupe</title>');
      // Dotfiles in the build directory are never sent (the path falls through to the page).
      expect((await get('/.env')).body).not.toContain('SECRET');
      // Nothing outside the build directory either.
      for (const url of [
        '/assets/../../package.json',
        '/..%2f..%2fpackage.json',
        '/assets/..%2f..%2fpackage.json',
      ]) {
        expect((await get(url)).body, url).not.toContain('"dependencies"');
      }
      for (const url of ['/api/nope', '/assets/missing.js']) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type'], url).toContain('application/problem+json');
      }

      // The build's compressed copies (web/precompress.ts), sent to browsers that accept them.
      const script = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word ${i}`))};\n`;
      writeFileSync(join(dist, 'assets', 'app-def456.js'), script);
      writeFileSync(join(dist, 'assets', 'app-def456.css'), `${'.a{color:red}'.repeat(100)}\n`);
      expect(precompressAssets(join(dist, 'assets'))).toMatchObject({ files: 2 });
      // Below 1 KiB (app-abc123.js) or not text: no copies.
      expect(readdirSync(join(dist, 'assets')).sort()).toEqual([
        'app-abc123.js',
        'app-def456.css',
        'app-def456.css.br',
        'app-def456.css.gz',
        'app-def456.js',
        'app-def456.js.br',
        'app-def456.js.gz',
      ]);
      const fetch = (url: string, acceptEncoding?: string) =>
        app.request({
          method: 'GET',
          url,
          headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
        });
      const br = await fetch('/assets/app-def456.js', 'gzip, deflate, br, zstd');
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toContain('javascript');
      expect(br.headers.vary).toContain('accept-encoding');
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
      expect(br.rawPayload.length).toBeLessThan(script.length / 3);
      const gz = await fetch('/assets/app-def456.js', 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).toString()).toBe(script);
      const css = await fetch('/assets/app-def456.css', 'br');
      expect([css.headers['content-encoding'], css.headers['content-type']]).toEqual([
        'br',
        expect.stringContaining('text/css'),
      ]);
      const plain = await fetch('/assets/app-def456.js');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(script);
      // A file with no copy is sent as it is, whatever the browser accepts.
      const small = await fetch('/assets/app-abc123.js', 'br, gzip');
      expect([small.statusCode, small.headers['content-encoding'], small.body]).toEqual([
        200,
        undefined,
        'console.log(1)',
      ]);
    } finally {
      await app.close();
      rmSync(base, { recursive: true, force: true });
    }
  });
});
