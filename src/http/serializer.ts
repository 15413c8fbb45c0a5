import { isDeepStrictEqual } from 'node:util';
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type RouteSchema = Parameters<FastifySerializerCompiler<z.ZodType>>[0];

/**
 * Response serialization by compiled schemas. fastify-type-provider-zod's serializer runs
 * `z.encode` over every response (a full validation walk building a copy), then JSON.stringify.
 * Here each route's response schema becomes a JSON Schema once, at start (`z.toJSONSchema`, the
 * output side), and fast-json-stringify compiles it into a function that writes exactly the
 * declared properties (unknown ones are dropped, as zod drops them; a missing required one
 * throws, a 500). A schema that JSON Schema cannot express (an output transform, say) keeps the
 * zod serializer.
 *
 * `verify` (on outside production: tests and development): every response is also encoded by zod
 * and the two results must be the same JSON value, else the response fails with a 500, so the
 * whole test suite checks both that the handlers answer their contract and that the compiled
 * serializer writes what zod would.
 */
export function compiledSerializerCompiler(opts: { verify: boolean }): FastifySerializerCompiler<z.ZodType> {
  return (route: RouteSchema) => {
    const fallback = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
    const stringify = compile(route.schema);
    if (!stringify) return fallback;
    if (!opts.verify) return stringify;
    return (data: unknown) => {
      const expected = fallback(data); // throws (500) when the data breaks the contract
      const actual = stringify(data);
      if (!isDeepStrictEqual(JSON.parse(actual), JSON.parse(expected))) {
        throw new Error(
          `compiled serializer of ${route.method} ${route.url} (${route.httpStatus}) wrote ${actual}; zod wrote ${expected}`,
        );
      }
      return actual;
    };
  };
}

/**
 * A route's 200 body writer as Fastify would compile it (checked against zod when `verify`), for a
 * use case that keeps its JSON (the listing page caches): the body is written once, by the same
 * compiled function, not by a zod walk.
 */
export function bodyWriter<S extends z.ZodType>(
  schema: S,
  route: { method: string; url: string; verify: boolean },
): (data: z.output<S>) => string {
  return compiledSerializerCompiler({ verify: route.verify })({
    schema,
    method: route.method,
    url: route.url,
    httpStatus: '200',
  } as RouteSchema) as (data: z.output<S>) => string;
}

function compile(schema: unknown): ((data: unknown) => string) | null {
  if (!(schema instanceof z.ZodType)) return null;
  try {
    const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' });
    delete (json as { $schema?: string }).$schema;
    return fastJson(simplify(json) as Parameters<typeof fastJson>[0]) as (data: unknown) => string;
  } catch {
    return null;
  }
}

const PRIMITIVE = new Set(['string', 'number', 'integer', 'boolean']);

/**
 * The JSON Schema as fast-json-stringify should see it. `anyOf: [{type: 'string'}, {type: 'null'}]`
 * (a nullable primitive) becomes `type: ['string', 'null']`, and a nullable object `nullable: true`:
 * fast-json-stringify writes the latter directly, while an anyOf is decided per value by running
 * an Ajv validator over it.
 */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = simplify(v);
  // fast-json-stringify writes only the declared properties either way; but inside an anyOf (a
  // nullable object, a union) Ajv picks the branch, and `additionalProperties: false` would make
  // an object with one field more match no branch (a 500) where zod strips the field.
  if (out.additionalProperties === false) delete out.additionalProperties;
  const anyOf = out.anyOf as Record<string, unknown>[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nul = anyOf.findIndex((s) => s.type === 'null' && Object.keys(s).length === 1);
    const other = anyOf[1 - nul];
    if (nul >= 0 && other) {
      const { anyOf: _, ...rest } = out;
      if (typeof other.type === 'string' && PRIMITIVE.has(other.type))
        return { ...rest, ...other, type: [other.type, 'null'] };
      // A nullable object: `nullable: true`, which fast-json-stringify writes as null or the object.
      if (other.type === 'object') return { ...rest, ...other, nullable: true };
    }
  }
  return out;
}
