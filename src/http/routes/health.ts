import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../data/db.ts';

export function healthRoutes(app: FastifyInstance, deps: { db: Db }) {
  /** Liveness: the process answers. */
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  /** Readiness: the database answers too. */
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unavailable' });
    }
  });
}
