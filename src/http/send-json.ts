import type { FastifyReply } from 'fastify';

/**
 * Sends a body that is already JSON (checked against the route's response schema where it was
 * serialized, e.g. a cached page). A string with a JSON content type passes Fastify's serializer
 * untouched.
 */
export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
