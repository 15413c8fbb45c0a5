/**
 * The `next` query parameter says where to go after signing in. Only same-origin paths are
 * honoured (never `//evil.example` or `https://...`), so it cannot become an open redirect.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // Control characters (tabs and newlines, which browsers drop: `/\t/evil.example` is
  // `//evil.example`) and backslashes (read as '/'): none is in a path of this app.
  for (const c of next) {
    const code = c.charCodeAt(0);
    if (c === '\\' || code < 0x20 || code === 0x7f) return fallback;
  }
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

/** An auth page link that keeps `?next=` and pre-fills `?email=` (e.g. from an invitation). */
export function authLink(path: string, params: { next?: string | null; email?: string | null }): string {
  const search = new URLSearchParams();
  if (params.next) search.set('next', params.next);
  if (params.email) search.set('email', params.email);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Where an emailed verification link should bring the person back to: the page they were heading
 * for (an invitation, say) when it is a safe path on this site, else the plain "verified" page.
 */
export function verificationCallback(next: string | null | undefined, fallback: string): string {
  if (!next) return fallback;
  const safe = safeNext(next, fallback);
  return safe.length <= 500 && !/\s/.test(safe) ? safe : fallback;
}
