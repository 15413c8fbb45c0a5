import { isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * Whether the request comes from this machine, by the socket's own peer address: never by
 * `req.ip`, which follows X-Forwarded-For when TRUST_PROXY is set. A loopback connection that
 * carries a forwarding header came through a proxy on this machine, on behalf of someone else:
 * it does not count.
 */
export function isLoopbackClient(req: FastifyRequest): boolean {
  if (!isLoopbackAddress(req.raw.socket?.remoteAddress)) return false;
  return FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}
