import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compiledSerializerCompiler } from './serializer.ts';

const Thing = z.object({
  id: z.string(),
  note: z.string().nullable(),
  count: z.number().int(),
  tags: z.array(z.enum(['a', 'b'])),
  nested: z.object({ ok: z.boolean() }).nullable(),
  extra: z.string().optional(),
});

async function app(verify: boolean, handler: () => unknown, schema: z.ZodType = Thing) {
  const f = Fastify();
  f.setValidatorCompiler(validatorCompiler);
  f.setSerializerCompiler(compiledSerializerCompiler({ verify }));
  f.withTypeProvider<ZodTypeProvider>().get('/t', { schema: { response: { 200: schema } } }, async () =>
    handler(),
  );
  await f.ready();
  return f;
}

describe('compiled response serializer', () => {
  const good = { id: 'x"1', note: null, count: 3, tags: ['a', 'b'], nested: { ok: true } };

  for (const verify of [false, true]) {
    it(`writes exactly the declared fields, as zod would (verify ${verify})`, async () => {
      const f = await app(verify, () => ({
        ...good,
        secret: 'never sent',
        nested: { ok: false, hidden: 1 },
      }));
      const res = await f.inject('/t');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ...good, nested: { ok: false } });
      expect(res.body).not.toContain('secret');
      expect(res.body).not.toContain('hidden');
    });

    it(`fails with a 500 when a required field is missing (verify ${verify})`, async () => {
      const { count: _, ...missing } = good;
      const f = await app(verify, () => missing);
      expect((await f.inject('/t')).statusCode).toBe(500);
    });
  }

  it('outside production, a value that breaks the contract is a 500 (zod checks every answer)', async () => {
    // fast-json-stringify alone would write the number 7 as the string "7".
    const lenient = await app(false, () => ({ ...good, id: 7 }));
    expect((await lenient.inject('/t')).json().id).toBe('7');
    const checked = await app(true, () => ({ ...good, id: 7 }));
    expect((await checked.inject('/t')).statusCode).toBe(500);
  });

  it('keeps the zod serializer for a schema JSON Schema cannot express (a date)', async () => {
    const At = z.object({ at: z.date() });
    const f = await app(false, () => ({ at: new Date(0), other: 1 }), At);
    const res = await f.inject('/t');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('strips unknown fields inside a nullable object and a union, as zod does', async () => {
    const U = z.object({
      maybe: z.object({ a: z.string() }).nullable(),
      either: z.union([
        z.object({ kind: z.literal('x'), x: z.number() }),
        z.object({ kind: z.literal('y') }),
      ]),
    });
    for (const verify of [false, true]) {
      const f = await app(verify, () => ({ maybe: { a: '1', b: 2 }, either: { kind: 'y', extra: true } }), U);
      const res = await f.inject('/t');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ maybe: { a: '1' }, either: { kind: 'y' } });
      const none = await app(verify, () => ({ maybe: null, either: { kind: 'x', x: 1 } }), U);
      expect((await none.inject('/t')).json()).toEqual({ maybe: null, either: { kind: 'x', x: 1 } });
    }
  });
});
