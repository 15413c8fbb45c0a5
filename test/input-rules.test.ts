/**
 * The text rules (docs/API.md "Text rules", src/contract/text.ts) over HTTP, on both databases:
 * no string the API accepts may hold U+0000; names and titles are one line of visible text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffFingerprints, fingerprint } from './db-fingerprint.ts';
import { dialects, ORIGIN, startTestApp, type TestApp, uniqueEmail } from './harness.ts';
import { buildWorld, pathParam, type World } from './world.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
};
type Operation = {
  parameters?: Array<{ in: string; name: string; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
};

/** A plausible value for a schema: enough that the field under test is the one refused. */
function sample(schema: JsonSchema, name = ''): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf[0] as JsonSchema, name);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((k) => [k, sample(schema.properties?.[k] ?? {}, k)]),
      );
    case 'array':
      return [sample(schema.items ?? {}, name)];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (/email/i.test(name)) return 'someone@example.com';
      if (/password/i.test(name)) return 'long enough password';
      if (/url|redirect/i.test(name)) return '/verified';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}

/** Every string-accepting place of a body schema, as a path and a function that poisons it. */
function stringSlots(
  schema: JsonSchema,
): Array<{ path: string; set(body: Record<string, unknown>, v: string): void }> {
  const out: Array<{ path: string; set(body: Record<string, unknown>, v: string): void }> = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const options = prop.anyOf ?? [prop];
    if (options.some((o) => o.type === 'string' && !o.enum))
      out.push({ path: key, set: (b, v) => (b[key] = v) });
    const array = options.find((o) => o.type === 'array' && o.items?.type === 'string');
    if (array) out.push({ path: `${key}.0`, set: (b, v) => (b[key] = [v]) });
  }
  return out;
}

describe.each(dialects)('text rules on %s', (dialect) => {
  let app: TestApp;
  let world: World;
  let operations: Array<{ method: string; path: string; op: Operation }>;
  beforeAll(async () => {
    app = await startTestApp(dialect);
    world = await buildWorld(app);
    const doc = (await app.request({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  /** As the Super Admin in the browser; sign-out is left alone so the session lives on. */
  const send = (method: string, url: string, body?: unknown) =>
    app.request({ method, url, cookie: world.admin.cookie, body });

  const expectRefused = (res: Awaited<ReturnType<typeof send>>, field: string, what: string) => {
    expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body.code).toBe('validation');
    expect(
      body.errors.map((e: { path: string }) => e.path),
      what,
    ).toContain(field);
  };

  it('refuses U+0000 in every body field, query parameter and path parameter of every operation, naming it', async () => {
    const before = await fingerprint(app);
    let checked = 0;
    for (const { method, path, op } of operations) {
      if (path === '/api/auth/sign-out') continue;
      const params = Object.fromEntries(
        (op.parameters ?? [])
          .filter((p) => p.in === 'path')
          .map((p) => [p.name, pathParam(world, path, p.name)]),
      );
      const url = (overrides: Record<string, string> = {}, query = '') =>
        path.replace(/\{(\w+)\}/g, (_, n: string) =>
          encodeURIComponent(overrides[n] ?? (params[n] as string)),
        ) + query;
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      const body = bodySchema ? (sample(bodySchema) as Record<string, unknown>) : undefined;

      for (const p of op.parameters ?? []) {
        const what = `${method} ${path} ${p.in} ${p.name}`;
        if (p.in === 'path')
          expectRefused(await send(method, url({ [p.name]: 'a\u0000b' }), body), p.name, what);
        else if (p.in === 'query' && p.schema.type === 'string' && !p.schema.enum) {
          expectRefused(await send(method, url({}, `?${p.name}=a%00b`), body), p.name, what);
        } else continue;
        checked++;
      }
      for (const slot of bodySchema ? stringSlots(bodySchema) : []) {
        const poisoned = structuredClone(body) as Record<string, unknown>;
        slot.set(poisoned, 'a\u0000b');
        expectRefused(await send(method, url(), poisoned), slot.path, `${method} ${path} body ${slot.path}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(diffFingerprints(before, await fingerprint(app))).toEqual([]);
  });

  it("refuses U+0000 on Better Auth's own routes too", async () => {
    const before = await fingerprint(app);
    expectRefused(
      await send('POST', '/api/auth/change-email', { newEmail: 'a\u0000@example.com' }),
      'newEmail',
      'change-email',
    );
    // Switched off in Better Auth (the account page's route does it), and refused all the same.
    expectRefused(
      await send('POST', '/api/auth/change-password', {
        currentPassword: 'x\u0000',
        newPassword: 'long enough pw',
      }),
      'currentPassword',
      'change-password',
    );
    expectRefused(
      await send('POST', '/api/auth/revoke-session', { token: 'a\u0000' }),
      'token',
      'revoke-session',
    );
    expectRefused(await send('GET', '/api/auth/verify-email?token=a%00b'), 'token', 'verify-email');
    expectRefused(await send('GET', '/api/auth/reset-password/a%00b?callbackURL=%2F'), 'token', 'reset link');
    expect(diffFingerprints(before, await fingerprint(app))).toEqual([]);
  });

  it('answers a NUL in the members search with 400, not a database error', async () => {
    const res = await send('GET', `/api/workspaces/${world.ws.id}/members?q=%00`);
    expectRefused(res, 'q', 'members q');
    expect(res.json().detail).toBe('q: Must not contain U+0000 (NUL)');
  });

  const refusedInLabels: Array<[string, string]> = [
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['newline', 'first\nsecond'],
    ['carriage return', 'a\rb'],
    ['escape', 'a\u001B[31mred'],
    ['DEL', 'a\u007Fb'],
    ['C1 next line', 'a\u0085b'],
    ['C1 CSI', 'a\u009Bb'],
    ['line separator', 'a\u2028b'],
    ['right-to-left override', '\u202Egnp.exe'],
    ['left-to-right embedding', 'a\u202Ab'],
    ['first strong isolate', 'a\u2068b\u2069'],
    ['unpaired surrogate', 'a\uD800b'],
  ];
  /** Each place a person names something, with the request that sets the name. */
  const labelled: Array<[string, string, (v: string) => [string, string, Record<string, unknown>]]> = [
    ['workspace name (create)', 'name', (v) => ['POST', '/api/workspaces', { name: v }]],
    ['workspace name (rename)', 'name', (v) => ['PATCH', `/api/workspaces/${world.ws.id}`, { name: v }]],
    [
      'item title (create)',
      'title',
      (v) => ['POST', `/api/workspaces/${world.ws.id}/items`, { kind: 'draft', title: v }],
    ],
    ['item title (rename)', 'title', (v) => ['PATCH', `/api/items/${world.draft.id}`, { title: v }]],
    ['API key name', 'name', (v) => ['POST', `/api/workspaces/${world.ws.id}/api-keys`, { name: v }]],
    [
      'user name (sign-up)',
      'name',
      (v) => [
        'POST',
        '/api/auth/sign-up/email',
        { email: uniqueEmail(), password: 'long enough pw', name: v },
      ],
    ],
    ['user name (update-user)', 'name', (v) => ['POST', '/api/auth/update-user', { name: v }]],
  ];

  it.each(labelled)(
    'refuses control and bidi characters in the %s, writing nothing',
    async (_what, field, req) => {
      const before = await fingerprint(app);
      for (const [label, value] of refusedInLabels) {
        const [method, url, body] = req(value);
        const res = await app.request({ method, url, cookie: world.admin.cookie, body });
        expectRefused(res, field, label);
      }
      expect(diffFingerprints(before, await fingerprint(app))).toEqual([]);
    },
  );

  it('keeps right-to-left names, bidi marks and emoji sequences exactly', async () => {
    for (const name of ['שלום\u200F 2024', 'Ada\u200ELovelace', '👩‍👩‍👧 Studio', 'کتاب‌ها']) {
      const res = await send('POST', '/api/workspaces', { name });
      expect(res.statusCode, res.body).toBe(201);
      const again = await send('GET', `/api/workspaces/${res.json().id}`);
      expect(again.json().name).toBe(name);
    }
  });

  it('does not let a foreign Origin matter for these checks (the CSRF guard still runs first)', async () => {
    const res = await app.request({
      method: 'POST',
      url: '/api/workspaces',
      cookie: world.admin.cookie,
      body: { name: 'a\u0000' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf');
    expect(ORIGIN).not.toBe('https://evil.example');
  });
});
