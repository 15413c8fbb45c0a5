/**
 * One Troupe server for the benchmark, plus a baseline route that only the benchmark registers.
 * Started by bench/run.ts as `node --import tsx bench/server.ts` with the config in its env
 * (DATABASE_URL, PORT, HOST, DATA_DIR, LOG_LEVEL, AUTH_SECRET); prints one JSON line
 * `{"ready":true,...}` on stdout once it listens, and shuts down on SIGTERM/SIGINT, when its
 * stdin closes (the parent went away) or after BENCH_MAX_SECONDS (default 1800).
 */
import type { FastifyInstance } from 'fastify';
import { findWorkspace } from '../src/data/workspaces.repo.ts';
import { ConfigError, loadConfig } from '../src/infra/config.ts';
import { createTroupe, type Troupe } from '../src/troupe.ts';
import { MARK } from './server-log.ts';

/** Used when the parent does not pass one: the benchmark's cookies must stay valid across its requests. */
const BENCH_AUTH_SECRET = 'troupe-bench-secret-not-for-production-0123456789';

let troupe: Troupe | null = null;

/**
 * GET /bench/baseline/:id: the product's one-primary-key route: one select of a `workspaces` row
 * by the product's own repository function (`findWorkspace`, compiled once) on the same database (same Kysely instance, same SQLite connection or PostgreSQL pool) as the
 * product routes, through the same Fastify instance, plugins and hooks (request id, security
 * headers, CSRF guard, logger, rate-limit plugin). The second floor of `npm run bench`.
 */
function baselineRoutes(app: FastifyInstance) {
  app.get<{ Params: { id: string } }>('/bench/baseline/:id', async (req, reply) => {
    if (!troupe) throw new Error('not ready');
    const row = await findWorkspace(troupe.data.db, req.params.id);
    if (!row) return reply.code(404).send({ code: 'not_found' });
    return row;
  });
  // Where each measurement starts in this server's log (`npm run bench -- --server-log`):
  // bench/route-latency.ts splits the log at these requests.
  app.get(`${MARK}:name`, async (_req, reply) => reply.code(204).send());
}

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({
      ...process.env,
      HOST: process.env.HOST || '127.0.0.1',
      LOG_LEVEL: process.env.LOG_LEVEL || 'silent',
      AUTH_SECRET: process.env.AUTH_SECRET || BENCH_AUTH_SECRET,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  // The outbox worker is off: the only mail is the sign-up verification, and its polling would
  // add background queries to the measurement.
  // BENCH_SSE_MAX_PER_USER: bench/notifications.ts holds thousands of streams of one user.
  const maxPerUser = Number(process.env.BENCH_SSE_MAX_PER_USER) || undefined;
  troupe = await createTroupe(config, {
    extraRoutes: baselineRoutes,
    runOutboxWorker: false,
    stream: maxPerUser ? { maxPerUser } : undefined,
  });
  const running = troupe;

  let stopping = false;
  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(2), 10_000);
    force.unref();
    try {
      await running.close();
    } catch (err) {
      console.error(`bench server: close after ${why} failed:`, err);
    }
    // process.exit (not a signal death) so that --cpu-prof writes its profile.
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('error', () => void shutdown('stdin error'));
  process.stdin.resume();
  const maxSeconds = Number(process.env.BENCH_MAX_SECONDS) || 1800;
  setTimeout(() => void shutdown('BENCH_MAX_SECONDS'), maxSeconds * 1000).unref();

  const address = await running.server.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `${JSON.stringify({ ready: true, address, pid: process.pid, dialect: running.data.dialect })}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
