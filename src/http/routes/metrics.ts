import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../infra/metrics.ts';
import { problem, sendProblem } from '../problem.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in Prometheus' text format, for a scraper holding METRICS_TOKEN
 * (`Authorization: Bearer <token>`); registered only when the token is set, so without it the path
 * answers the 404 of a route that does not exist. The token is compared in constant time (both
 * sides hashed to the same length first).
 */
export function metricsRoutes(app: FastifyInstance, deps: { metrics: Metrics; metricsToken: string }) {
  const expected = digest(deps.metricsToken);
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    const given = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(
        reply,
        problem('unauthenticated', 'Metrics need Authorization: Bearer <METRICS_TOKEN>'),
      );
    }
    const { contentType, body } = await deps.metrics.render();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  });
}
