import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.ts';
import { clientGroup } from './client-group.ts';

/**
 * The client a limit counts: its address, an IPv6 client by its /64 (http/client-group.ts). Every
 * per-client key is made with it.
 */
export const clientOf = (req: { ip: string }): string => clientGroup(req.ip);

/**
 * The limits a route adds to its own `config.rateLimit` (@fastify/rate-limit runs one limit per
 * route config): counted by `createRateLimit` in the store of every other limit (Redis when set,
 * shared by every node; in memory otherwise). Refused: `429 rate_limited` with Retry-After, before
 * the use case runs (nothing written, nothing mailed).
 */
function refuse(reply: FastifyReply, ttlInSeconds: number, why: string): never {
  reply.header('retry-after', String(ttlInSeconds));
  throw new DomainError('rate_limited', `${why}; try again in ${ttlInSeconds} s`);
}

/**
 * A limit per client address, whatever else the request names (email, workspace), counting every
 * call under `<name>|client|<address>`: a preHandler (it runs before the route's own
 * `config.rateLimit`), or called by the handler once the caller is authenticated, so that requests
 * without a session cannot use up the allowance of everyone behind an address (invitations,
 * creating workspaces). One limiter given to several routes counts them together. Should the store
 * (Redis) be down, the route fails closed (503 `unavailable`), or with `failOpen` goes unlimited
 * for as long: for a limit whose route sends nothing to anyone (creating a workspace).
 */
export function perClientLimit(
  app: FastifyInstance,
  name: string,
  max: number,
  timeWindow: number,
  opts: { failOpen?: boolean } = {},
) {
  const limiter = app.createRateLimit({
    max,
    timeWindow,
    keyGenerator: (req: FastifyRequest) => `${name}|client|${clientOf(req)}`,
    ...(opts.failOpen ? { skipOnError: true } : {}),
  });
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(req);
    if (result.isAllowed || !result.isExceeded) return;
    refuse(reply, result.ttlInSeconds, 'Too many attempts from this address');
  };
}

/**
 * A per-client limit on guessing the token in a route's path (a public page's slug), or a password
 * (sign-in, across any number of accounts), counting only the answers that say the guess was wrong:
 * 404 (`missStatus`; 401 where a route answers unknown tokens or wrong passwords that way). Using a real link is never counted, however much it is used (a
 * player's range requests), so no viewer is limited by watching. Once a client (IPv4 address,
 * IPv6 /64) has had `max` misses in the window, every request to the routes sharing the limit is
 * 429 with Retry-After until the window ends, real links too: otherwise a hit would stand out
 * among the refusals.
 *
 * A read that counts nothing before the route runs, a count as a miss is sent. Unlike the other
 * limits this one fails open: should Redis be down, public pages keep playing, unlimited (watching
 * must not depend on Redis; the slugs' 128 random bits are the defence, this limit the second
 * line; a sign-in keeps its limit per client and email).
 *
 * `countInFlight`: the client's requests still under way count as misses until answered, so a burst
 * sent at once cannot all pass the check before the first is counted (sign-in, where each try costs
 * a password hash). Counted per process: with several nodes, each lets a burst of at most what is
 * left through.
 */
export function createMissLimit(
  app: FastifyInstance,
  opts: { name: string; max: number; timeWindow: number; refusal: string; countInFlight?: boolean },
) {
  const limiter = app.createRateLimit({
    max: opts.max,
    timeWindow: opts.timeWindow,
    keyGenerator: (req: FastifyRequest) => `${opts.name}|${clientOf(req)}`,
    skipOnError: true,
  });
  const inFlight = new Map<string, number>();
  const refuseOverLimit = async (req: FastifyRequest, reply: FastifyReply) => {
    const seen = await limiter(req, { increment: false });
    if (seen.isAllowed) return; // An allow-listed client.
    const client = clientOf(req);
    const under = opts.countInFlight ? (inFlight.get(client) ?? 0) : 0;
    if (seen.remaining > under) {
      if (!opts.countInFlight) return;
      inFlight.set(client, under + 1);
      // Answered or abandoned, it stops counting as under way.
      reply.raw.once('close', () => {
        const left = (inFlight.get(client) ?? 1) - 1;
        if (left > 0) inFlight.set(client, left);
        else inFlight.delete(client);
      });
      return;
    }
    // At least a second: refused for sign-ins still under way, before any miss was counted.
    refuse(reply, Math.max(1, seen.ttlInSeconds), opts.refusal);
  };
  /** Route options (hooks) that put a route under this limit. */
  return (missStatus = 404) => ({
    preHandler: refuseOverLimit,
    onSend: async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode === missStatus) await limiter(req);
      return payload;
    },
  });
}
