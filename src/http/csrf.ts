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
  // Synchronous: a hook that returns no promise costs the request nothing when it passes.
  return function csrfGuard(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (safeMethods.has(req.method) || !req.headers.cookie || !hasSessionCookie(req)) {
      done();
      return;
    }
    const source = req.headers.origin ?? originOf(req.headers.referer);
    if (source && (source === trusted || source === `${req.protocol}://${req.host}`)) {
      done();
      return;
    }
    // Answered here: the request goes no further.
    sendProblem(
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
