/**
 * The `next` query parameter says where to go after signing in. Only same-origin paths are
 * honoured (never `//evil.example` or `https://...`), so it cannot become an open redirect.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/api/') || next.startsWith('/dev/')) return fallback;
  return next;
}

/** `/sign-in?next=<current path>` for a location. */
export function signInPathFor(location: { pathname: string; search: string; hash: string }): string {
  const here = `${location.pathname}${location.search}${location.hash}`;
  return here === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
}

/** Keeps `?next=` when moving between the auth pages. */
export function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}
