import { Redis } from 'ioredis';

/**
 * The Redis connection that shares rate-limit counters between nodes (REDIS_URL). Settings from
 * @fastify/rate-limit's advice: a short connect timeout and one retry, so a Redis outage shows up
 * as refused rate-limited requests (503 `unavailable`) within about a second instead of requests
 * hanging; and a command timeout for a Redis that accepted the command and never answered.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, {
    connectTimeout: 500,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectionName: 'troupe',
  });
}

/**
 * Whether `err` is ioredis saying Redis could not be reached or did not answer in time (rather
 * than a Redis error about the command itself).
 */
export function isRedisOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    err.message === 'Connection is closed.' ||
    err.message === 'Command timed out' ||
    err.message.startsWith("Stream isn't writeable")
  );
}

/** host:port of a Redis URL, without its credentials (for messages). */
export function redisTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}

/** Resolves when Redis answers a PING within `ms`; otherwise rejects with the reason. */
export async function pingRedis(redis: Redis, ms: number): Promise<void> {
  let lastError: unknown = null;
  const onError = (err: unknown) => {
    lastError = err;
  };
  redis.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } catch (err) {
    // The connection's own error (ECONNREFUSED, ...) says more than "max retries reached".
    const reason = lastError ?? err;
    throw new Error(reason instanceof Error ? reason.message : String(reason));
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
}
