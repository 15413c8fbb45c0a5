/**
 * Bad-input fuzzing driven by /api/openapi.json (issue 8). For every documented operation (and
 * Better Auth's own routes behind /api/auth/*), fast-check builds malformed requests: broken path
 * parameters, query strings, bodies, content types and credentials, sent mostly as a Super Admin
 * in the browser (cookie + Origin) so they reach the handlers, and some anonymously, with an API
 * key or as a Creator. Every answer must be below 500; every error a problem+json whose code is in
 * src/contract/errors.ts and docs/API.md with that code's status; and a rejected request (or any
 * read) must leave every row of every table as it was.
 *
 * FUZZ_RUNS=20000 runs more cases per database (default 2000); FUZZ_SEED=<n> replays a seed,
 * FUZZ_SEED=random picks a new one; FUZZ_ALL=1 lists every kind of failure instead of stopping at
 * the first. The seed is in the test's name and in any failure.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ErrorCode, errorCodes } from '../src/contract/errors.ts';
import { statusOf } from '../src/http/problem.ts';
import {
  describeChanges,
  diffFingerprints,
  type Fingerprint,
  fingerprint,
  quickCheck,
} from './db-fingerprint.ts';
import { dialects, ORIGIN, sessionCookie, startTestApp, type TestApp } from './harness.ts';
import { documentedErrors } from './problems.ts';
import { buildWorld, createApiKey, createInvitation, createItem, type World } from './world.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20_260_808);
/** FUZZ_ALL=1: run every case and list each kind of failure, instead of stopping at the first. */
const ALL = process.env.FUZZ_ALL === '1';
const PASSWORD = 'correct horse battery'; // harness.signUp's default

// ---------------------------------------------------------------------------------------------
// The operations: from the OpenAPI document, plus Better Auth's catch-all routes.

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
};
interface Op {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, Schema>;
  body?: Schema;
  /** Not part of the JSON API (the dev mailbox serves HTML): only "no 5xx, no writes" is checked. */
  relaxed: boolean;
}

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
});
/**
 * Better Auth's routes that the OpenAPI document hides (served by the /api/auth/* catch-all).
 * Left out because they end the caller's session: sign-out (also left out of the document's
 * operations), revoke-sessions, revoke-other-sessions, delete-user.
 */
const authCatchAll: Op[] = [
  ['GET', '/api/auth/get-session', {}, undefined],
  ['GET', '/api/auth/list-sessions', {}, undefined],
  ['GET', '/api/auth/verify-email', { token: str(), callbackURL: str() }, undefined],
  ['GET', '/api/auth/reset-password/{token}', { callbackURL: str() }, undefined],
  [
    'POST',
    '/api/auth/change-password',
    {},
    obj({ currentPassword: str(), newPassword: str() }, ['newPassword']),
  ],
  ['POST', '/api/auth/change-email', {}, obj({ newEmail: str(), callbackURL: str() }, ['newEmail'])],
  ['POST', '/api/auth/revoke-session', {}, obj({ token: str() }, ['token'])],
].map(([method, path, query, body]) => ({
  method: method as string,
  path: path as string,
  pathParams: [...(path as string).matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
  query: query as Record<string, Schema>,
  body: body as Schema | undefined,
  relaxed: false,
}));

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string; schema: Schema }>;
        requestBody?: { content: Record<string, { schema: Schema }> };
      }
    >
  >;
};

function operations(doc: OpenApi): Op[] {
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (path === '/api/auth/sign-out') continue; // ends the session
      // A live stream that never ends on its own (test/notifications.test.ts and the access matrix).
      if (path === '/api/notifications/stream') continue;
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        body: op.requestBody?.content['application/json']?.schema,
        relaxed: !path.startsWith('/api/'),
      });
    }
  }
  return [...ops, ...authCatchAll];
}

// ---------------------------------------------------------------------------------------------
// Cases: a request description with symbolic references to the world, resolved when sent (the
// world changes: an accepted request may delete the item a later case names).

const refs = [
  'ws',
  'folder',
  'draft',
  'admin',
  'creator',
  'apiKey',
  'invitation',
  'token',
  'outsider',
  'outsiderWs',
  'outsiderItem',
] as const;
type Ref = (typeof refs)[number];
function resolve(w: World, ref: Ref): string {
  switch (ref) {
    case 'ws':
      return w.ws.id;
    case 'folder':
      return w.folder.id;
    case 'draft':
      return w.draft.id;
    case 'admin':
      return w.admin.userId;
    case 'creator':
      return w.creator.userId;
    case 'apiKey':
      return w.apiKey.id;
    case 'invitation':
      return w.invitation.id;
    case 'token':
      return w.invitation.token;
    case 'outsider':
      return w.outsider.userId;
    case 'outsiderWs':
      return w.outsiderWs.id;
    case 'outsiderItem':
      return w.outsiderItem.id;
  }
}
/** The world's own value for path parameter `name` of `path`. */
function ownRef(path: string, name: string): Ref {
  if (name === 'ws') return 'ws';
  if (name === 'userId') return 'creator';
  if (name === 'keyId') return 'apiKey';
  if (name === 'token') return 'token';
  return path.startsWith('/api/items/') ? 'draft' : 'invitation';
}

/** A string value: literal text (percent-encoded when sent), raw URL text, or a world id. */
type Val = { text: string } | { raw: string } | { ref: Ref };
type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType?: string }
  | { kind: 'text'; text: string; contentType?: string };
type As = 'admin' | 'creator' | 'anon' | 'apiKey';
interface Case {
  op: Op;
  fault: string;
  method: string;
  as: As;
  path: Record<string, Val>;
  query: Array<[string, Val]>;
  body: Body;
  headers: Record<string, string>;
  ip: string;
}

/** Characters and strings that have broken servers. */
const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\u0000'.repeat(50),
  '\t',
  'a\nb',
  '\r\n',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u202egnp.exe',
  '\u2066x\u2069',
  '\u200f',
  '\ufeff',
  '\ud800',
  'a\udc00',
  '\udbff\udfff',
  '\uffff',
  '',
  ' ',
  '   ',
  '.',
  '..',
  '../../etc/passwd',
  '%00',
  '%ff',
  '\\',
  '"',
  "'",
  "' OR 1=1 --",
  '; DROP TABLE workspaces; --',
  '<script>alert(1)</script>',
  '$'.concat('{7*7}{{7*7}}'),
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e400',
  '0x10',
  'true',
  '😀'.repeat(60),
  'ǅǈǋ',
  'İıß',
  'ｆｕｌｌ',
  'a\u0301\u0301\u0301\u0301',
  'x'.repeat(101),
  'x'.repeat(257),
);
const hugeString = fc.constantFrom(1_000, 10_000, 70_000, 262_144, 300_000).map((n) => 'x'.repeat(n));
/** Plausible text with one character that must never be stored as is slipped in somewhere. */
const slipped = fc
  .tuple(
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }),
    fc.nat(20),
    fc.constantFrom(
      '\u0000',
      '\u0000',
      '\u0001',
      '\t',
      '\n',
      '\u007f',
      '\u0085',
      '\u202e',
      '\u2067',
      '\ud83d',
    ),
  )
  .map(([s, i, ch]) => `${s.slice(0, i)}${ch}${s.slice(i)}`);
const badString = fc.oneof(
  { weight: 5, arbitrary: nasty },
  { weight: 4, arbitrary: slipped },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: hugeString },
);
/** Raw text in a URL: broken percent-encodings and path tricks. */
const rawUrlText = fc.constantFrom(
  '%ff',
  '%fe%ff',
  '%c3%28',
  '%e0%a4%a',
  '%ed%a0%80',
  '%',
  '%zz',
  '%2',
  '%00',
  '%0a',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  '%2f..%2f..',
  '%5c',
  'a;b',
  '*',
  '%u0000',
  '%25',
  '%20',
  '+',
);
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5),
  badString,
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Valid values for a schema (by field name where the schema says too little). */
function valid(schema: Schema, name: string): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => valid(s, name)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1000) });
    case 'array':
      return fc.array(valid(schema.items ?? {}, name), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object': {
      const props = schema.properties ?? {};
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, valid(s, k)])), {
        requiredKeys: (schema.required ?? []).filter((k) => k in props),
      });
    }
    default:
      return validString(schema, name);
  }
}
function validString(schema: Schema, name: string): fc.Arbitrary<unknown> {
  if (/email/i.test(name)) {
    return fc.oneof(fc.emailAddress(), fc.constantFrom('someone@example.com', 'Ada@Example.com '));
  }
  if (/password/i.test(name)) return fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 20 });
  if (/url|redirect/i.test(name)) return fc.constantFrom('/verified', '/', '/reset?x=1');
  if (/domain/i.test(name)) return fc.constantFrom('example.com', 'studio.example.org');
  if (schema.pattern === '^[A-Za-z0-9_-]+$') {
    return fc.oneof(
      fc.constantFrom(...refs).map((ref) => ({ $ref: ref })),
      fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/),
    );
  }
  const min = Math.max(schema.minLength ?? 0, /name|title/i.test(name) ? 1 : 0);
  return fc
    .string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.min(schema.maxLength ?? 30, 30) })
    .map((s) => (min > 0 && s.trim() === '' ? 'Fuzzed' : s));
}

/** Every place in a JSON value, as a path of keys. */
function places(value: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []) {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) places(v, [...path, i], out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) places(v, [...path, k], out);
  }
  return out;
}
function setAt(value: unknown, path: Array<string | number>, v: unknown, remove = false): unknown {
  if (path.length === 0) return v;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length === 0 && remove) delete copy[head];
  else copy[head] = setAt(copy[head], rest, v, remove);
  return copy;
}
/** A documented body, broken in one way. */
function brokenBody(schema: Schema): fc.Arbitrary<Body> {
  return valid(schema, '').chain((base): fc.Arbitrary<Body> => {
    const at = fc.constantFrom(...places(base));
    const leaves = places(base).filter((p) => p.length > 0);
    const textLeaves = leaves.filter(
      (p) => typeof p.reduce<unknown>((v, k) => (v as never)[k], base) === 'string',
    );
    const json = (a: fc.Arbitrary<unknown>) => a.map((value): Body => ({ kind: 'json', value }));
    return fc.oneof(
      // Wrong types anywhere (the whole body included).
      { weight: 3, arbitrary: json(fc.tuple(at, anyJson).map(([p, v]) => setAt(base, p, v))) },
      // Bad strings in every field, and above all in the fields that take text.
      { weight: 2, arbitrary: json(fc.tuple(at, badString).map(([p, v]) => setAt(base, p, v))) },
      ...(textLeaves.length > 0
        ? [
            {
              weight: 6,
              arbitrary: json(
                fc.tuple(fc.constantFrom(...textLeaves), badString).map(([p, v]) => setAt(base, p, v)),
              ),
            },
          ]
        : []),
      // A missing field.
      ...(leaves.length > 0
        ? [
            {
              weight: 2,
              arbitrary: json(fc.constantFrom(...leaves).map((p) => setAt(base, p, undefined, true))),
            },
          ]
        : []),
      // An unknown field, including prototype keys.
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom('extra', '__proto__', 'constructor', 'prototype', 'role', 'id', ''), anyJson)
          .map(([k, v]): Body => {
            const text = JSON.stringify(base);
            const extra = `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`;
            return {
              kind: 'text',
              text: text.startsWith('{') && text !== '{}' ? `{${extra},${text.slice(1)}` : `{${extra}}`,
            };
          }),
      },
      // Huge arrays and deep nesting.
      {
        weight: 1,
        arbitrary: json(
          fc
            .tuple(at, fc.constantFrom(1_000, 20_000), fc.constantFrom('a@example.com', 1, null))
            .map(([p, n, v]) => setAt(base, p, { $many: n, of: v })),
        ),
      },
      {
        weight: 1,
        arbitrary: json(
          fc.tuple(at, fc.constantFrom(64, 1_000, 50_000)).map(([p, n]) => setAt(base, p, { $deep: n })),
        ),
      },
      // Not JSON, or JSON of the wrong kind.
      {
        weight: 2,
        arbitrary: fc
          .constantFrom(
            '',
            ' ',
            '{',
            '}',
            "{'a':1}",
            '{"a":1}garbage',
            '{"a":1,}',
            '[',
            'null',
            '0',
            '"text"',
            '[]',
            'NaN',
            '\ufeff{}',
            '{"a":"\\ud800"}',
            '{"a":"\\u0000"}',
            '{"a":1,"a":2}',
            `${'['.repeat(200_000)}`,
            '\u0000',
          )
          .map((text): Body => ({ kind: 'text', text })),
      },
    );
  });
}

const contentTypes = fc.constantFrom(
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/jsonx',
  'APPLICATION/JSON',
  'application/problem+json',
  'application/vnd.api+json',
  'application/json, text/plain',
  ';;;',
  '*/*',
  'application/octet-stream',
  '',
);

/** Broken credentials and headers. */
const badHeaders = fc.oneof(
  fc
    .constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer trp_garbage',
      'Bearer trp_',
      'Basic YTpi',
      'Token abc',
      `Bearer ${'a'.repeat(5000)}`,
      'Bearer a b',
      'Bearer \u00ff\u00fe',
      'Bearer %00',
    )
    .map((authorization) => ({ authorization })),
  fc
    .constantFrom(
      'troupe.session_token=garbage',
      'troupe.session_token=',
      'troupe.session_token=%ff%00',
      'troupe.session_token=abc.def',
      'troupe.session_token="quoted"',
      `troupe.session_token=${'a'.repeat(8000)}`,
      '=; ; ;',
      'troupe.session_token=a; troupe.session_token=b',
    )
    .map((cookie) => ({ cookie })),
  fc.constantFrom('null', 'https://evil.example', '', 'file://').map((origin) => ({ origin })),
  fc.constant({ 'x-request-id': 'bad id\u00ff' }),
  fc.constant({ accept: 'application/xml' }),
);

function caseFor(op: Op): fc.Arbitrary<Case> {
  const faults: Array<{ weight: number; arbitrary: fc.Arbitrary<Partial<Case> & { fault: string }> }> = [];
  if (op.pathParams.length > 0) {
    const value: fc.Arbitrary<Val> = fc.oneof(
      { weight: 3, arbitrary: badString.map((text) => ({ text })) },
      { weight: 2, arbitrary: rawUrlText.map((raw) => ({ raw })) },
      { weight: 2, arbitrary: fc.constantFrom(...refs).map((ref) => ({ ref })) },
      {
        weight: 1,
        arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((text) => ({ text })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(65, 101, 129, 1000, 17_000).map((n) => ({ text: 'a'.repeat(n) })),
      },
    );
    faults.push({
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...op.pathParams), value)
        .map(([name, v]) => ({ fault: `path ${name}`, path: { [name]: v } })),
    });
  }
  const known = Object.keys(op.query);
  const queryValue: fc.Arbitrary<Val> = fc.oneof(
    badString.map((text) => ({ text })),
    rawUrlText.map((raw) => ({ raw })),
    anyJson.map((v) => ({ text: JSON.stringify(v) ?? '' })),
  );
  faults.push({
    weight: 2,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(
            { weight: known.length > 0 ? 3 : 0, arbitrary: fc.constantFrom(...known, 'q') },
            { weight: 1, arbitrary: fc.constantFrom('unknown', '__proto__', '%00', 'limit', 'q', '') },
          ),
          queryValue,
        ),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((query) => ({ fault: 'query', query })),
  });
  if (op.body) {
    faults.push({ weight: 6, arbitrary: brokenBody(op.body).map((body) => ({ fault: 'body', body })) });
    faults.push({
      weight: 1,
      arbitrary: fc.tuple(valid(op.body, ''), contentTypes).map(([value, contentType]) => ({
        fault: 'content-type',
        body: { kind: 'json', value, contentType } as Body,
      })),
    });
  } else {
    faults.push({
      weight: 1,
      arbitrary: fc
        .oneof(
          brokenBody({ type: 'object', properties: { a: { type: 'string' } } }),
          fc.constant({ kind: 'none' } as Body),
        )
        .map((body) => ({ fault: 'unexpected body', body })),
    });
  }
  faults.push({ weight: 1, arbitrary: badHeaders.map((headers) => ({ fault: 'headers', headers })) });

  return fc
    .record({
      fault: fc.oneof(...faults),
      as: fc.oneof(
        { weight: 14, arbitrary: fc.constant<As>('admin') },
        { weight: 2, arbitrary: fc.constant<As>('apiKey') },
        { weight: 2, arbitrary: fc.constant<As>('anon') },
        { weight: 1, arbitrary: fc.constant<As>('creator') },
      ),
      head: op.method === 'GET' ? fc.boolean() : fc.constant(false),
      validBody: op.body ? valid(op.body, '') : fc.constant(undefined),
      ip: fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.8.${a}.${b}`),
    })
    .map(({ fault, as, head, validBody, ip }) => ({
      [fc.toStringMethod]: printCase,
      op,
      method: head && fault.fault !== 'content-type' ? 'HEAD' : op.method,
      as,
      path: {},
      query: [],
      body: op.body ? ({ kind: 'json', value: validBody } as Body) : ({ kind: 'none' } as Body),
      headers: {},
      ip,
      ...fault,
    }));
}

/** How fast-check prints a case in a failure report: short, without the operation's schema. */
function printCase(this: Case): string {
  const short = (v: unknown) => {
    const t = JSON.stringify(v, (_k, x) =>
      typeof x === 'string' && x.length > 60 ? `${x.slice(0, 60)}…(${x.length} chars)` : x,
    );
    return t && t.length > 500 ? `${t.slice(0, 500)}…` : t;
  };
  return `${this.method} ${this.op.path} as ${this.as}, fault ${this.fault}: path ${short(this.path)} query ${short(this.query)} body ${short(this.body)} headers ${short(this.headers)}`;
}

// ---------------------------------------------------------------------------------------------
// Sending a case.

/** encodeURIComponent, except that an unpaired surrogate goes out as its WTF-8 bytes (invalid UTF-8). */
function encode(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    out +=
      c >= 0xd800 && c <= 0xdfff
        ? `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`
        : encodeURIComponent(ch);
  }
  return out;
}
function urlText(w: World, v: Val): string {
  if ('raw' in v) return v.raw;
  if ('ref' in v) return resolve(w, v.ref);
  return encode(v.text);
}
/**
 * Expands the placeholders in a generated body: `{ $ref }` (a world id), `{ $many, of }` (a huge
 * array) and `{ $deep }` (nested arrays), kept small until sending so cases print readably.
 */
const DEEP = '\u0001deep:';
/** JSON text of an expanded body; nesting too deep for JSON.stringify is spliced in as text. */
function jsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(
    /"\\u0001deep:(\d+)"/g,
    (_, n: string) => `${'['.repeat(Number(n))}"x"${']'.repeat(Number(n))}`,
  );
}
function expand(w: World, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => expand(w, v));
  if (value && typeof value === 'object') {
    const o = value as { $ref?: Ref; $many?: number; of?: unknown; $deep?: number };
    if (o.$ref !== undefined) return resolve(w, o.$ref);
    if (o.$many !== undefined) return Array.from({ length: o.$many }, () => o.of);
    if (o.$deep !== undefined) return `${DEEP}${o.$deep}`;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(w, v)]));
  }
  return value;
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}
function request(w: World, c: Case): Sent {
  const url =
    c.op.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      urlText(w, c.path[name] ?? { ref: ownRef(c.op.path, name) }),
    ) + (c.query.length ? `?${c.query.map(([k, v]) => `${encode(k)}=${urlText(w, v)}`).join('&')}` : '');
  const headers: Record<string, string> = {};
  if (c.as === 'admin' || c.as === 'creator') {
    headers.cookie = (c.as === 'admin' ? w.admin : w.creator).cookie;
    headers.origin = ORIGIN;
  } else if (c.as === 'apiKey') headers.authorization = `Bearer ${w.apiKey.key}`;
  let payload: string | undefined;
  if (c.body.kind === 'json') {
    payload = jsonText(expand(w, c.body.value));
    headers['content-type'] = c.body.contentType ?? 'application/json';
  } else if (c.body.kind === 'text') {
    payload = c.body.text;
    headers['content-type'] = c.body.contentType ?? 'application/json';
  }
  if (c.method === 'HEAD' || c.method === 'GET') {
    // A body on a GET is still sent: Fastify must cope with it.
    if (c.fault !== 'unexpected body') payload = undefined;
  }
  if (payload === undefined) delete headers['content-type'];
  Object.assign(headers, c.headers);
  return { method: c.method, url, headers, payload };
}

const show = (s: Sent, res: LightMyRequestResponse) =>
  [
    `${s.method} ${s.url.length > 300 ? `${s.url.slice(0, 300)}… (${s.url.length} chars)` : s.url}`,
    `headers: ${JSON.stringify(s.headers).slice(0, 400)}`,
    s.payload === undefined
      ? 'no body'
      : `body (${s.payload.length} chars): ${JSON.stringify(s.payload.slice(0, 300))}`,
    `-> ${res.statusCode} ${res.headers['content-type'] ?? ''} ${res.body.slice(0, 400)}`,
  ].join('\n  ');

// ---------------------------------------------------------------------------------------------

describe.each(dialects)(`bad input from /api/openapi.json on %s (seed ${SEED}, ${RUNS} cases)`, (dialect) => {
  let app: TestApp;
  let world: World;
  let ops: Op[];
  /**
   * The database after the last accepted write: its quick check, and on SQLite (where the quick
   * check is coarse and fingerprints are cheap) its fingerprint.
   */
  let quick: Map<string, string>;
  let baseline: Fingerprint | null;
  const rebase = async () => {
    quick = await quickCheck(app);
    baseline = app.dialect === 'sqlite' ? await fingerprint(app) : null;
  };
  /** What a request wrote, as readable lines (none: nothing). */
  const written = async (): Promise<string[]> => {
    const now = await quickCheck(app);
    const tables = [...now.keys()].filter((t) => now.get(t) !== quick.get(t));
    if (tables.length === 0) return [];
    const before = quick;
    quick = now;
    if (baseline) {
      const after = await fingerprint(app);
      const diff = diffFingerprints(baseline, after);
      baseline = after;
      return diff;
    }
    return describeChanges(app, before, now);
  };
  const stats = { accepted: 0, rejected: 0, rebuilt: 0, resignedIn: 0, byStatus: new Map<number, number>() };

  beforeAll(async () => {
    app = await startTestApp(dialect, { env: { SIGN_IN_RATE_LIMIT: '100000' } });
    world = await buildWorld(app);
    const doc = (await app.request({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApi;
    ops = operations(doc);
    await rebase();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  const inject = (o: { method: string; url: string; headers?: Record<string, string>; payload?: string }) =>
    app.troupe.server.inject({
      method: o.method as 'GET',
      url: o.url,
      headers: o.headers,
      payload: o.payload,
    });

  /** After a request that was accepted: mend the world if it broke a piece of it. */
  async function repair() {
    const as = (cookie: string) => ({ cookie, origin: ORIGIN });
    const me = await inject({ method: 'GET', url: '/api/me', headers: as(world.admin.cookie) });
    if (me.statusCode === 401) {
      const res = await inject({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        payload: JSON.stringify({ email: world.admin.email, password: PASSWORD }),
      });
      world.admin.cookie = sessionCookie(res);
      stats.resignedIn++;
    }
    const [admin, creator] = await Promise.all([
      inject({ method: 'GET', url: `/api/workspaces/${world.ws.id}`, headers: as(world.admin.cookie) }),
      inject({ method: 'GET', url: `/api/workspaces/${world.ws.id}`, headers: as(world.creator.cookie) }),
    ]);
    if (admin.statusCode !== 200 || admin.json().role !== 'super_admin' || creator.statusCode !== 200) {
      // The workspace is gone, or its admin demoted, or the other member removed: start again.
      world = await buildWorld(app);
      stats.rebuilt++;
      return;
    }
    const alive = async (url: string) =>
      (await inject({ method: 'GET', url, headers: as(world.admin.cookie) })).statusCode === 200;
    if (!(await alive(`/api/items/${world.folder.id}`))) {
      world.folder = await createItem(app, world.admin.cookie, world.ws.id, {
        kind: 'folder',
        title: 'Footage',
      });
    }
    if (!(await alive(`/api/items/${world.draft.id}`))) {
      world.draft = await createItem(app, world.admin.cookie, world.ws.id, {
        kind: 'draft',
        title: 'Cut 1',
        parentId: world.folder.id,
      });
    }
    if (!(await alive(`/api/invitations/${world.invitation.token}`))) {
      world.invitation = await createInvitation(app, world.admin.cookie, world.ws.id);
    }
    const key = await inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${world.apiKey.key}` },
    });
    if (key.statusCode !== 200) world.apiKey = await createApiKey(app, world.admin.cookie, world.ws.id);
  }

  it(
    'answers every malformed request with a documented problem below 500, and writes nothing',
    async () => {
      const documented = documentedErrors();
      expect([...documented.keys()].sort()).toEqual([...errorCodes].sort());
      const cases = fc.constantFrom(...ops).chain(caseFor);
      const found = new Map<string, { count: number; example: string }>();

      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const sent = request(world, c);
          const res = await app.troupe.server.inject({
            method: sent.method as 'GET',
            url: sent.url,
            headers: sent.headers,
            remoteAddress: c.ip,
            ...(sent.payload !== undefined ? { payload: sent.payload } : {}),
          });
          const problems: string[] = [];
          const fail = (why: string) => problems.push(why);
          stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 500) fail('a server error');
          const rejected = res.statusCode >= 400;
          if (rejected && !c.op.relaxed) {
            if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
              fail('an error that is not problem+json');
            } else if (sent.method !== 'HEAD') {
              let body: { code?: string; status?: number } = {};
              try {
                body = JSON.parse(res.body);
              } catch {
                fail('an error body that is not JSON');
              }
              const code = body.code as ErrorCode;
              if (!errorCodes.includes(code) || !documented.has(code)) fail(`an undocumented code ${code}`);
              else if (statusOf[code] !== res.statusCode || body.status !== res.statusCode) {
                fail(`status ${res.statusCode} is not the status of ${code} (${statusOf[code]})`);
              }
            }
          }
          let changed = '';
          if (rejected || sent.method === 'GET' || sent.method === 'HEAD') {
            stats.rejected += rejected ? 1 : 0;
            const diff = await written();
            if (diff.length) {
              fail(rejected ? 'a rejected request wrote to the database' : 'a read wrote to the database');
              changed = `\n  changed rows:\n    ${diff.slice(0, 10).join('\n    ').slice(0, 2000)}`;
            }
          } else {
            stats.accepted++;
            // Creating something new breaks nothing the world holds; anything else may have.
            if (!(sent.method === 'POST' && /\/(workspaces|items|api-keys|invitations)$/.test(c.op.path))) {
              await repair();
            }
            await rebase();
          }
          if (res.statusCode === 401 && c.as === 'admin') {
            // The session should still be alive: check, and sign in again if it is not.
            await repair();
            await rebase();
          }
          if (problems.length === 0) return;
          const report = `${problems.join('; ')} (fault: ${c.fault}, as ${c.as})\n  ${show(sent, res)}${changed}`;
          if (!ALL) throw new Error(report);
          for (const why of problems) {
            const kind = `${why}: ${sent.method} ${c.op.path} -> ${res.statusCode}`;
            const seen = found.get(kind);
            if (seen) seen.count++;
            else found.set(kind, { count: 1, example: report });
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (found.size > 0) {
        const list = [...found.entries()].map(([kind, f]) => `${f.count}× ${kind}\n  e.g. ${f.example}`);
        throw new Error(`${found.size} kinds of failure (seed ${SEED}):\n${list.join('\n')}`);
      }
      const statuses = [...stats.byStatus.entries()].sort((a, b) => a[0] - b[0]);
      console.log(
        `fuzz ${dialect}: ${RUNS} cases (seed ${SEED}): ${stats.rejected} rejected, ${stats.accepted} accepted writes, ` +
          `${stats.rebuilt} world rebuilds, ${stats.resignedIn} re-sign-ins; statuses ${statuses.map(([s, n]) => `${s}×${n}`).join(' ')}`,
      );
      // The cases must mostly reach the handlers' validation, not just bounce off authentication.
      expect(stats.byStatus.get(400) ?? 0).toBeGreaterThan(RUNS / 3);
    },
    Math.max(300_000, RUNS * 200),
  );
});
