/**
 * Paths whose next segment is a secret: whoever holds it may join a workspace, set a password or
 * watch a video. The one table of them, for the API and the web pages alike (see router.tsx).
 * Query strings are never logged at all (verification and reset links carry `?token=`).
 */
export const TOKEN_PATH_PREFIXES: readonly string[] = [
  '/api/invitations/', // GET /api/invitations/:token, POST .../:token/accept
  '/api/auth/reset-password/', // Better Auth's reset link: GET /api/auth/reset-password/:token
  '/api/join/', // POST /api/join/:linkToken
  '/api/public/videos/', // /api/public/videos/:slug, .../unlock, .../file
  '/invite/', // the web page of an invitation
  '/join/', // the web page of an invite link
  '/v/', // a published video's page
  '/embed/', // its embed page
];

const REDACTED = '…';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A request URL as it may be logged: the query string dropped, and the token segment after any
 * prefix of TOKEN_PATH_PREFIXES replaced by `…`. Matching is on the decoded, lower-cased path
 * with empty segments ignored, so `/API//invit%61tions/x` is redacted like `/api/invitations/x`.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const suffix = q < 0 ? '' : '?…';
  const raw = path.split('/');
  // Indices of the non-empty segments, and their decoded, lower-cased text.
  const at: number[] = [];
  const seen: string[] = [];
  raw.forEach((segment, i) => {
    if (segment === '') return;
    at.push(i);
    seen.push(decodeSegment(segment).toLowerCase());
  });
  for (const prefix of TOKEN_PATH_PREFIXES) {
    const parts = prefix.split('/').filter(Boolean);
    if (seen.length <= parts.length) continue;
    if (parts.every((p, i) => seen[i] === p)) {
      raw[at[parts.length] as number] = REDACTED;
      return raw.join('/') + suffix;
    }
  }
  return path + suffix;
}
