import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findInputProblem } from '../contract/text.ts';
import { problem, sendProblem } from './problem.ts';

/**
 * Rule 1 of contract/text.ts for every route, before its schema runs: no string anywhere in the
 * path parameters, query string or JSON body (keys included) may hold U+0000 or an unpaired
 * surrogate, and no body may nest more than MAX_INPUT_DEPTH levels. The schemas say the same for the documented routes; this also covers the routes
 * whose input no schema of ours describes (Better Auth's catch-all, the dev mailbox) and any
 * route added later, so neither database ever sees such a string.
 */
export function inputGuard(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  // A body its route reads itself as a stream (the video upload) is bytes, not parsed input.
  const issue =
    check(reply, 'params', req.params) ||
    check(reply, 'query', req.query) ||
    check(reply, 'body', req.body instanceof Readable ? undefined : req.body);
  // An answer was sent (400): the request goes no further.
  if (!issue) done();
}

/** Sends the 400 and returns true when `value` breaks the rule. */
function check(reply: FastifyReply, where: 'params' | 'query' | 'body', value: unknown): boolean {
  const issue = findInputProblem(value);
  if (!issue) return false;
  // A wildcard route's parameter is called `*` by the router: it is the rest of the path.
  const path = where === 'params' && issue.path === '*' ? 'path' : issue.path || where;
  sendProblem(reply, problem('validation', `${path}: ${issue.message}`, [{ path, message: issue.message }]));
  return true;
}
