import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contract from './index.ts';
import {
  findInputProblem,
  Label,
  labelCheck,
  labelProblem,
  MAX_INPUT_DEPTH,
  textCheck,
  textProblem,
} from './text.ts';

describe('rule 1: any string', () => {
  it.each([
    ['a\u0000b', 'U+0000'],
    ['\u0000', 'U+0000'],
    ['a\uD800', 'unpaired surrogate'],
    ['\uDC00a', 'unpaired surrogate'],
  ])('refuses %j', (s, why) => {
    expect(textProblem(s)).toContain(why);
  });

  it.each([
    '',
    'plain',
    'tab\tand\nnewline are fine outside labels',
    '\u202Eanything else',
    'emoji 🎬 (a surrogate pair)',
  ])('accepts %j', (s) => {
    expect(textProblem(s)).toBeNull();
  });
});

describe('rule 2: labels', () => {
  it.each([
    ['a\u0000b', 'U+0000'],
    ['a\tb', 'U+0009'],
    ['a\nb', 'U+000A'],
    ['a\rb', 'U+000D'],
    ['a\u001Bb', 'U+001B'],
    ['a\u007Fb', 'U+007F'],
    ['a\u0085b', 'U+0085'],
    ['a\u009Fb', 'U+009F'],
    ['a\u2028b', 'U+2028'],
    ['a\u2029b', 'U+2029'],
    ['\u202Egnp.exe', 'U+202E'],
    ['a\u202Ab', 'U+202A'],
    ['a\u202Db', 'U+202D'],
    ['a\u2066b', 'U+2066'],
    ['a\u2069b', 'U+2069'],
    ['a\uD800', 'unpaired surrogate'],
  ])('refuses %j, naming %s', (s, why) => {
    expect(labelProblem(s)).toContain(why);
  });

  it.each([
    'Studio',
    'Ünïcödé Ltd.',
    'שלום עולם',
    'שלום\u200F 2024',
    'مرحبا\u061C',
    'Ada\u200ELovelace',
    '👩‍👩‍👧 family (zero-width joiners)',
    'کتاب‌ها (zero-width non-joiner)',
    'a\u00A0b',
  ])('accepts %j', (s) => {
    expect(labelProblem(s)).toBeNull();
  });

  it('trims first, so a pasted trailing newline is not an error, and then needs one visible line', () => {
    const Name = Label(100);
    expect(Name.parse('  Studio\n')).toBe('Studio');
    expect(Name.safeParse('Stu\ndio').success).toBe(false);
    expect(Name.safeParse(' \n ').success).toBe(false);
    expect(Name.safeParse('x'.repeat(101)).success).toBe(false);
  });
});

describe('findInputProblem', () => {
  it('names the path of the first bad string, keys included', () => {
    expect(findInputProblem({ a: 'ok', b: [{ c: 'x\u0000' }] })?.path).toBe('b.0.c');
    expect(findInputProblem({ 'k\u0000': 1 })?.path).toBe('k\u0000');
    expect(findInputProblem('\u0000')?.path).toBe('');
    expect(findInputProblem({ a: 1, b: null, c: true, d: ['fine'] })).toBeNull();
    expect(findInputProblem(undefined)).toBeNull();
  });

  it('lets paired surrogates (emoji) through and finds a lone one behind them, in values and keys', () => {
    expect(findInputProblem({ name: 'Zoë 👩🏽‍🚀', tags: ['🎬', { '🔑': '✓' }] })).toBeNull();
    expect(findInputProblem({ a: '👍', b: ['👍\uD800'] })?.path).toBe('b.0');
    expect(findInputProblem({ ok: '👍', 'k\uDC00': 1 })?.path).toBe('k\uDC00');
    expect(findInputProblem([1, true, new Uint8Array(4), { x: { y: 'z' } }])).toBeNull();
  });

  it('refuses nesting deeper than MAX_INPUT_DEPTH, even far deeper than the call stack allows', () => {
    const nest = (n: number, inner: unknown) => {
      let v = inner;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(findInputProblem(nest(MAX_INPUT_DEPTH, 'fine'))).toBeNull();
    expect(findInputProblem({ a: nest(MAX_INPUT_DEPTH - 1, 'fine') })).toBeNull();
    expect(findInputProblem(nest(MAX_INPUT_DEPTH + 1, 'fine'))?.message).toContain('levels deep');
    const issue = findInputProblem({ a: nest(200_000, 'x') });
    expect(issue?.message).toContain('levels deep');
    expect(issue?.path).toBe(`a${'.0'.repeat(MAX_INPUT_DEPTH - 1)}`);
  });
});

/**
 * Every request schema of the contract (exports named *Body, *Query, *Params) builds its strings
 * from Text or Label: a plain z.string() in a request fails here. Names and titles use Label.
 */
describe('the contract uses the rules everywhere', () => {
  type Found = { path: string; hasText: boolean; hasLabel: boolean };
  function strings(schema: z.core.$ZodType, path: string, out: Found[]) {
    const def = schema._zod.def as z.core.$ZodTypeDef & Record<string, unknown>;
    switch (def.type) {
      case 'string': {
        const checks = (def.checks ?? []) as unknown[];
        out.push({
          path,
          hasText: checks.includes(textCheck) || checks.includes(labelCheck),
          hasLabel: checks.includes(labelCheck),
        });
        return;
      }
      case 'object':
        for (const [k, v] of Object.entries(def.shape as Record<string, z.core.$ZodType>)) {
          strings(v, path ? `${path}.${k}` : k, out);
        }
        return;
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'nonoptional':
      case 'readonly':
        return strings(def.innerType as z.core.$ZodType, path, out);
      case 'pipe':
        strings(def.in as z.core.$ZodType, path, out);
        return;
      case 'union':
        for (const o of def.options as z.core.$ZodType[]) strings(o, path, out);
        return;
      case 'array':
        return strings(def.element as z.core.$ZodType, `${path}[]`, out);
      case 'record':
        strings(def.keyType as z.core.$ZodType, `${path}{key}`, out);
        return strings(def.valueType as z.core.$ZodType, `${path}{}`, out);
      case 'enum':
      case 'literal':
      case 'number':
      case 'boolean':
      case 'null':
        return;
      default:
        throw new Error(`${path}: teach this test about zod type ${def.type}`);
    }
  }

  const requestSchemas = Object.entries(contract).filter(
    ([name, v]) => /(Body|Query|Params)$/.test(name) && typeof v === 'object' && v !== null && '_zod' in v,
  ) as Array<[string, z.core.$ZodType]>;

  it('finds the request schemas', () => {
    expect(requestSchemas.map(([n]) => n)).toEqual(
      expect.arrayContaining([
        'SignUpBody',
        'CreateWorkspaceBody',
        'CreateItemBody',
        'MembersQuery',
        'TokenParams',
      ]),
    );
  });

  it.each(requestSchemas)('%s: every string follows rule 1, names and titles rule 2', (_name, schema) => {
    const found: Found[] = [];
    strings(schema, '', found);
    for (const f of found) {
      expect(f.hasText, `${f.path} must be built from Text or Label`).toBe(true);
      if (/(^|\.)(name|title)$/.test(f.path)) expect(f.hasLabel, `${f.path} is a label`).toBe(true);
    }
  });

  it('refuses NUL in every string of every request schema, naming the field', () => {
    const samples: Record<string, unknown> = {
      SignUpBody: { email: 'a@example.com', password: 'long enough', name: 'Ada' },
      ResetPasswordBody: { token: 'tok', newPassword: 'long enough' },
      InviteBody: { emails: ['a@example.com'] },
      CreateItemBody: { kind: 'draft', title: 'Cut' },
    };
    for (const [name, value] of Object.entries(samples)) {
      const schema = (contract as unknown as Record<string, z.ZodType>)[name] as z.ZodType;
      expect(schema.safeParse(value).success, name).toBe(true);
      for (const key of Object.keys(value as object).filter((k) => k !== 'kind')) {
        const v = (value as Record<string, unknown>)[key];
        const bad = Array.isArray(v) ? [`${v[0]}\u0000`] : typeof v === 'string' ? `${v}\u0000` : v;
        if (bad === v) continue;
        const res = schema.safeParse({ ...(value as object), [key]: bad });
        expect(res.success, `${name}.${key}`).toBe(false);
        expect(
          res.error?.issues.some((i) => String(i.path[0]) === key && i.message.includes('U+0000')),
          `${name}.${key}: ${JSON.stringify(res.error?.issues)}`,
        ).toBe(true);
      }
    }
  });
});
