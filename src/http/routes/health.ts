import type { FastifyInstance } from 'fastify';

/** Each dependency the node needs to serve, and whether it answered just now. */
export type Readiness = Record<string, 'up' | 'down'>;

export function healthRoutes(
  app: FastifyInstance,
  deps: { readiness(): Promise<Readiness>; isClosing(): boolean },
) {
  /** Liveness: the process answers (whatever its dependencies do: restarting it would not help). */
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  /**
   * Readiness: the database (and Redis, when configured) answer. 503 names what is down, so a load
   * balancer sends traffic elsewhere and an operator sees why; 503 too once shutting down.
   */
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    // Shutting down (SIGTERM): still serving what comes, but send new work elsewhere.
    if (deps.isClosing()) return reply.status(503).send({ status: 'shutting_down' });
    const checks = await deps.readiness();
    const down = Object.keys(checks).filter((k) => checks[k] === 'down');
    if (down.length === 0) return { status: 'ready', checks };
    return reply.status(503).send({ status: 'unavailable', down, checks });
  });
}
