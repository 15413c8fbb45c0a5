import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode, FieldIssue, Problem } from '../contract/errors.ts';
import { DependencyUnavailable, DomainError, findUnavailable } from '../domain/errors.ts';
import { isRedisOutage } from '../infra/redis.ts';

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
  already_member: 409,
  request_closed: 409,
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
  unavailable: 503,
};

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** A problem's status is always its code's (docs/API.md's table): there is no other way to pick one. */
export function problem(code: ErrorCode, detail: string, errors?: FieldIssue[]): Problem {
  const status = statusOf[code];
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

/**
 * Our code for an error status that did not come with one (Fastify's and plugins' errors, Better
 * Auth's answers). Statuses without a code of their own (405, 414, 422, 431, ...) are the client's
 * malformed request: `validation`, 400.
 */
export function codeForStatus(status: number): ErrorCode {
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
  const outage =
    findUnavailable(err) ?? (isRedisOutage(err) ? new DependencyUnavailable('redis', err) : null);
  if (outage) return sendUnavailable(req, reply, outage);
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
    return sendProblem(reply, problem(code, err.message || titles[statusOf[code]] || 'Bad request'));
  }
  req.log.error({ err }, 'unhandled error');
  return sendProblem(
    reply,
    problem('internal', 'Something went wrong on our side. Quote the request id if you report it.'),
  );
}

/** 503 `unavailable` naming the dependency that is down (logged with the driver's reason). */
function sendUnavailable(req: FastifyRequest, reply: FastifyReply, outage: DependencyUnavailable) {
  const cause = outage.cause instanceof Error ? outage.cause.message : String(outage.cause ?? '');
  req.log.warn({ dependency: outage.dependency, err: cause }, `${outage.dependency} unavailable`);
  reply.header('retry-after', '5');
  return sendProblem(reply, problem('unavailable', outage.detail));
}

/**
 * Errors Fastify meets before routing (its `frameworkErrors` option): a path whose percent-encoding
 * is not UTF-8 (`/api/items/%ff`), a path parameter over the router's length limit. Both are a
 * malformed request: 400 `validation` naming the path, like a malformed id.
 */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', req.id);
  if (err.code === 'FST_ERR_BAD_URL' || err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const message =
      err.code === 'FST_ERR_BAD_URL'
        ? 'Not a valid URL: a percent-encoded part is not UTF-8'
        : 'A part of the path is too long';
    return sendProblem(reply, problem('validation', `path: ${message}`, [{ path: 'path', message }]));
  }
  return errorHandler(err, req, reply);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (malformed request line or
 * headers, headers over the size limit, headers that arrive too slowly): 400 `validation` as
 * problem+json, then the connection is closed. There is no request id: no request was made.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const detail =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'The request headers are too large'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'The request did not arrive in time'
        : 'Malformed HTTP request';
  const body = JSON.stringify(problem('validation', detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
