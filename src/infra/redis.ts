import { Redis } from 'ioredis';

/**
 * The Redis connection that shares rate-limit counters between nodes (REDIS_URL). Settings from
 * @fastify/rate-limit's advice: a short connect timeout and one retry, so a Redis outage shows up
 * as failed rate-limited requests within about a second instead of requests hanging.
 */
export function openRedis(url: string): Redis {
  return new Redis(url, { connectTimeout: 500, maxRetriesPerRequest: 1, connectionName: 'troupe' });
}
