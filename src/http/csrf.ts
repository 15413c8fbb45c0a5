import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './problem.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Mutations that ride on the session cookie must come from our own pages: the Origin (or, when
 * a browser omits it, the Referer) must be PUBLIC_URL's origin or the origin the request was sent
 * to. SameSite=Lax cookies are the first line; this is the second. Requests without a cookie
 * (API keys, public pages) carry no ambient authority and are not checked.
 */
export function createCsrfGuard(publicUrl: string, hasSessionCookie: (req: FastifyRequest) => boolean) {
  const trusted = new URL(publicUrl).origin;
  return async function csrfGuard(req: FastifyRequest, reply: FastifyReply) {
    if (safeMethods.has(req.method) || !req.headers.cookie || !hasSessionCookie(req)) return;
    const source = req.headers.origin ?? originOf(req.headers.referer);
    const self = `${req.protocol}://${req.host}`;
    if (source && (source === trusted || source === self)) return;
    return sendProblem(
      reply,
      problem('csrf', 'This request did not come from a Troupe page (Origin header missing or foreign)'),
    );
  };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
