import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode, FieldIssue, Problem } from '../contract/errors.ts';
import { DomainError } from '../domain/errors.ts';

/** Every error code has exactly one status: a new code without one fails to compile. */
export const statusOf: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  email_not_verified: 403,
  email_mismatch: 403,
  csrf: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  no_seats: 409,
  last_admin: 409,
  invite_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  precondition_failed: 412,
  password_required: 401,
  invalid_password: 401,
  rate_limited: 429,
  internal: 500,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  code: ErrorCode,
  detail: string,
  errors?: FieldIssue[],
  status = statusOf[code],
): Problem {
  return {
    type: `https://troupe.dev/problems/${code.replace(/_/g, '-')}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply
    .status(p.status)
    .type('application/problem+json')
    .send({ ...p, requestId: reply.request.id });
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'internal' : 'validation';
  }
}

const where: Record<string, string> = { body: '', params: '', querystring: '', headers: 'header ' };

/** The one place that turns any thrown error into problem+json. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError) return sendProblem(reply, problem(err.code, err.detail, err.errors));
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const missing = v.keyword === 'unrecognized_keys' ? ` (${String(v.params.keys ?? '')})` : '';
      return {
        path: `${where[err.validationContext ?? 'body'] ?? ''}${path || err.validationContext || 'body'}`,
        message: `${v.message}${missing}`,
      };
    });
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return sendProblem(reply, problem('validation', detail, errors));
  }
  const status = err.statusCode ?? 500;
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (status === 400 && err instanceof SyntaxError)) {
    return sendProblem(
      reply,
      problem('validation', 'The body is not valid JSON', [{ path: 'body', message: 'Malformed JSON' }]),
    );
  }
  if (status === 429)
    return sendProblem(reply, problem('rate_limited', err.message || 'Too many requests; try again later'));
  if (status >= 400 && status < 500) {
    const code = codeForStatus(status);
    return sendProblem(
      reply,
      problem(code, err.message || titles[status] || 'Bad request', undefined, status),
    );
  }
  req.log.error({ err }, 'unhandled error');
  return sendProblem(
    reply,
    problem('internal', 'Something went wrong on our side. Quote the request id if you report it.'),
  );
}
