/**
 * The security headers of every answer, computed once at start (they depend only on PUBLIC_URL).
 * They are the headers @fastify/helmet 13 (helmet 8) sent with our configuration, byte for byte
 * (test/security-headers.test.ts pins them), without its per-request work: helmet rebuilt its
 * middleware chain and called `res.setHeader` a dozen times on every request (about 27 µs).
 *
 * Routes may replace one (the public pages set their own CSP; /embed removes X-Frame-Options
 * and widens Cross-Origin-Resource-Policy; the API docs set theirs): a header set by a route wins.
 */
export function securityHeaders(publicUrl: string): [name: string, value: string][] {
  const https = publicUrl.startsWith('https://');
  const csp = [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    ...(https ? ['upgrade-insecure-requests'] : []),
    "media-src 'self' blob:",
    "connect-src 'self'",
  ].join(';');
  return [
    ['content-security-policy', csp],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['origin-agent-cluster', '?1'],
    ['referrer-policy', 'no-referrer'],
    ...(https
      ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]]
      : []),
    ['x-content-type-options', 'nosniff'],
    ['x-dns-prefetch-control', 'off'],
    ['x-download-options', 'noopen'],
    ['x-frame-options', 'SAMEORIGIN'],
    ['x-permitted-cross-domain-policies', 'none'],
    ['x-xss-protection', '0'],
  ];
}
