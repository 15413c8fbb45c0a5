/**
 * Every error is problem+json with a code from docs/API.md's table, and the status of that code:
 * including the ones Fastify produces before routing, Node's HTTP parser, and Better Auth.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErrorCode, errorCodes } from '../src/contract/errors.ts';
import { statusOf } from '../src/http/problem.ts';
import { diffFingerprints, fingerprint } from './db-fingerprint.ts';
import { createWorkspace, dialects, type SignedUp, signUp, startTestApp, type TestApp } from './harness.ts';
import { documentedErrors, expectProblem } from './problems.ts';

describe('the error table', () => {
  it('docs/API.md lists every code the server can send, with its status', () => {
    const documented = documentedErrors();
    expect([...documented.keys()].sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) expect(documented.get(code), code).toBe(statusOf[code]);
  });
});

describe.each(dialects)('errors on %s', (dialect) => {
  let app: TestApp;
  let admin: SignedUp;
  let ws: { id: string };
  beforeAll(async () => {
    app = await startTestApp(dialect);
    admin = await signUp(app, { name: 'Ada Admin' });
    ws = await createWorkspace(app, admin.cookie);
  });
  afterAll(async () => {
    await app?.close();
  });
  const send = (o: { method: string; url: string; body?: unknown; headers?: Record<string, string> }) =>
    app.request({ ...o, cookie: admin.cookie });

  it('answers a path with a malformed percent-encoding with a 400 problem naming the path', async () => {
    for (const method of ['GET', 'HEAD', 'PATCH', 'DELETE']) {
      for (const url of [
        '/api/items/%ff',
        '/api/items/%E0%A4%A',
        `/api/workspaces/${ws.id}/members/%c3%28`,
      ]) {
        const res = await send({ method, url, body: method === 'PATCH' ? { title: 'x' } : undefined });
        if (method === 'HEAD') {
          expect(res.statusCode).toBe(400);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          continue;
        }
        const body = expectProblem(res, 'validation');
        expect(body.errors).toEqual([{ path: 'path', message: expect.stringContaining('not UTF-8') }]);
      }
    }
  });

  it('answers an over-long path parameter with a 400 problem naming it, on every method', async () => {
    const cases: Array<[string[], string, string]> = [
      [['GET', 'PATCH', 'DELETE'], `/api/items/${'a'.repeat(101)}`, 'id'],
      [['GET', 'PATCH'], `/api/items/${'a'.repeat(5000)}/access`, 'id'],
      [['GET', 'PATCH', 'DELETE'], `/api/workspaces/${'w'.repeat(200)}`, 'ws'],
      [['PATCH', 'DELETE'], `/api/workspaces/${ws.id}/members/${'u'.repeat(300)}`, 'userId'],
      [['GET'], `/api/invitations/${'t'.repeat(129)}`, 'token'],
    ];
    for (const [methods, url, param] of cases) {
      for (const method of methods) {
        const res = await send({ method, url, body: method === 'PATCH' ? {} : undefined });
        const body = expectProblem(res, 'validation');
        expect(body.errors?.map((e) => e.path)).toContain(param);
      }
    }
    // Past any length Node would accept in a request line, still a problem.
    expectProblem(await send({ method: 'DELETE', url: `/api/items/${'a'.repeat(20_000)}` }), 'validation');
  });

  it('reads a 100-128 character invitation token (the schema allows it) instead of refusing the path', async () => {
    const res = await send({ method: 'GET', url: `/api/invitations/${'t'.repeat(120)}` });
    // An unknown token: the route answers (404 or 410), not the router's "no route" or 414.
    expect(['not_found', 'invite_expired']).toContain(expectProblem(res).code);
    expect(res.json().detail).not.toMatch(/^No route/);
  });

  it('answers a sign-up whose name Better Auth could not store with a 400 validation, not its 422', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      body: { email: 'nul@example.com', password: 'long enough pw', name: 'Nul\u0000' },
    });
    expect(expectProblem(res, 'validation').errors?.[0]?.path).toBe('name');
  });

  it('refuses bodies that are not JSON objects, or not JSON, with a problem', async () => {
    const before = await fingerprint(app);
    const json = { 'content-type': 'application/json' };
    const cases: Array<[string, Record<string, string>, string, ErrorCode]> = [
      ['empty with a JSON content type', json, '', 'validation'],
      ['malformed', json, '{"name":', 'validation'],
      ['a string', json, '"Studio"', 'validation'],
      ['null', json, 'null', 'validation'],
      ['an array', json, '[{"name":"x"}]', 'validation'],
      ['prototype poisoning', json, '{"name":"x","__proto__":{"admin":true}}', 'validation'],
      ['constructor poisoning', json, '{"name":"x","constructor":{"prototype":{"a":1}}}', 'validation'],
      [
        'nested 100,000 deep',
        json,
        `{"name":"x","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        'validation',
      ],
      ['text/plain', { 'content-type': 'text/plain' }, '{"name":"x"}', 'unsupported_media_type'],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'name=x', 'unsupported_media_type'],
      ['multipart', { 'content-type': 'multipart/form-data; boundary=b' }, '--b--', 'unsupported_media_type'],
      ['no content type', {}, '{"name":"x"}', 'unsupported_media_type'],
      ['a broken content type', { 'content-type': ';;' }, '{"name":"x"}', 'unsupported_media_type'],
      ['over the size limit', json, JSON.stringify({ name: 'x'.repeat(300_000) }), 'payload_too_large'],
    ];
    for (const [what, headers, body, code] of cases) {
      for (const url of ['/api/workspaces', '/api/auth/sign-up/email', '/api/auth/change-password']) {
        const res = await app.request({ method: 'POST', url, cookie: admin.cookie, headers, body });
        expect(res.statusCode, `${what} ${url}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${what} ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        const problem = expectProblem(res);
        if (url === '/api/workspaces') expect(problem.code, what).toBe(code);
      }
    }
    expect(diffFingerprints(before, await fingerprint(app))).toEqual([]);
  });

  it('answers wrong methods, OPTIONS and unknown paths with a 404 problem; HEAD like GET without a body', async () => {
    for (const [method, url] of [
      ['PUT', '/api/workspaces'],
      ['DELETE', '/api/me'],
      ['POST', `/api/items/abc/access`],
      ['OPTIONS', '/api/me'],
      ['OPTIONS', '/api/workspaces'],
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['PATCH', '/dev/nope'],
    ] as const) {
      expectProblem(await send({ method, url }), 'not_found');
    }
    const head = await app.request({ method: 'HEAD', url: '/api/me' });
    expect(head.statusCode).toBe(401);
    expect(head.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(head.body).toBe('');
    expect((await send({ method: 'HEAD', url: '/api/me' })).statusCode).toBe(200);
    const missing = await send({ method: 'HEAD', url: '/api/items/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it("turns Better Auth's errors of every kind into documented problems", async () => {
    // Unknown routes under /api/auth, any method.
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
      const body = expectProblem(
        await send({ method, url: '/api/auth/no-such-thing', body: method === 'GET' ? undefined : {} }),
        'not_found',
      );
      expect(body.detail).toContain('/api/auth/no-such-thing');
    }
    // 400: its own validation; 405 (a GET-only route POSTed to) is a 400 here.
    expectProblem(
      await send({
        method: 'POST',
        url: '/api/auth/change-email',
        body: { newEmail: 'not an email' },
      }),
      'validation',
    );
    expectProblem(await send({ method: 'POST', url: '/api/auth/get-session', body: {} }), 'validation');
    expectProblem(await send({ method: 'POST', url: '/api/auth/sign-out', body: [1] }), 'validation');
    // 401 without a session.
    expectProblem(await app.request({ method: 'GET', url: '/api/auth/list-sessions' }), 'unauthenticated');
    expectProblem(
      await app.request({ method: 'GET', url: '/api/auth/verify-email?token=abc' }),
      'unauthenticated',
    );
    // 401: a wrong password.
    expectProblem(
      await app.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: 'nobody@example.com', password: 'wrong password' },
      }),
      'invalid_credentials',
    );
    // 409 instead of its 422 for a taken email.
    const dup = await app.request({ method: 'GET', url: '/api/me', cookie: admin.cookie });
    expectProblem(
      await app.request({
        method: 'POST',
        url: '/api/auth/sign-up/email',
        body: { email: dup.json().email.toUpperCase(), password: 'long enough pw', name: 'Again' },
      }),
      'email_taken',
    );
  });

  it('never lets an emailed link send the browser to another site, nor fail on //host', async () => {
    for (const target of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      for (const path of ['/api/auth/verify-email?token=abc', '/api/auth/reset-password/abc?x=1']) {
        for (const param of ['callbackURL', 'errorCallbackURL', 'redirectTo']) {
          const url = `${path}&${param}=${encodeURIComponent(target)}`;
          const res = await app.request({ method: 'GET', url });
          expect(res.headers.location ?? '', url).not.toContain('evil');
          const body = expectProblem(res, 'validation');
          expect(body.errors?.map((e) => e.path)).toContain(param);
        }
      }
    }
    // The links Troupe itself sends still work: a local callback, or the empty one of a reset link.
    for (const url of [
      '/api/auth/reset-password/abc?callbackURL=',
      '/api/auth/reset-password/abc?callbackURL=%2Freset',
    ]) {
      const res = await app.request({ method: 'GET', url });
      expect(res.statusCode, url).toBe(302);
      expect(res.headers.location, url).toMatch(/^\/|^http:\/\/localhost:3000\//);
    }
  });
});

describe('requests Node itself refuses', () => {
  let app: TestApp;
  let port: number;
  beforeAll(async () => {
    app = await startTestApp('sqlite');
    await app.troupe.server.listen({ port: 0, host: '127.0.0.1' });
    port = (app.troupe.server.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app?.close();
  });

  const raw = (payload: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (d) => (data += d.toString('latin1')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      socket.write(payload);
    });

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['a header without a colon', 'GET /api/me HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n'],
    [
      'headers over the size limit',
      `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    ],
    ['a NUL in a header', 'GET /api/me HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n'],
  ])('answers %s with a 400 problem', async (_what, payload) => {
    const res = await raw(payload);
    const [head, body] = res.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'validation' });
  });

  it('answers a well-formed request on the same server as usual', async () => {
    const res = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1\.1 200 /);
  });
});
