import { errorCodes } from '../contract/errors.ts';
import type { OpenApiDoc } from './openapi-media.ts';

/**
 * Every operation's errors in the OpenAPI document: RFC 9457 problem+json with a stable `code`
 * (problem.ts sends every error so, whichever route or layer refuses). The routes' schemas name their
 * successful answers only; a `4XX` and a `5XX` answer are added to each operation here, both the one
 * `Problem` response of `components`. docs/API.md's table gives each code's status.
 */
const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: {
      type: 'string',
      description: 'A URI naming the problem: https://troupe.dev/problems/<code with - for _>',
    },
    title: { type: 'string', description: "The status's reason phrase" },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong, for people' },
    code: { type: 'string', enum: [...errorCodes], description: 'Stable, for programs' },
    errors: {
      type: 'array',
      description: 'validation: each field at fault (`path` as in the request body or query)',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
    requestId: {
      type: 'string',
      description: 'The request id, also in the `x-request-id` header and the log',
    },
  },
};

const PROBLEM_RESPONSE = {
  description: 'A problem (RFC 9457): the `code` says which; docs/API.md lists them with their statuses.',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

type Doc = OpenApiDoc & {
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, unknown> };
};

/** The document with the `Problem` schema and response, and `4XX` / `5XX` on every operation. */
export function withProblems<D extends Doc>(doc: D): D {
  doc.components ??= {};
  doc.components.schemas = { ...doc.components.schemas, Problem: PROBLEM_SCHEMA };
  doc.components.responses = { ...doc.components.responses, Problem: PROBLEM_RESPONSE };
  for (const ops of Object.values(doc.paths ?? {}))
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.has(method)) continue;
      const ref = { $ref: '#/components/responses/Problem' };
      op.responses = { ...op.responses, '4XX': ref, '5XX': ref };
    }
  return doc;
}
