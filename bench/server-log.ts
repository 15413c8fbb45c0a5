/**
 * The product server's log as `npm run bench -- --server-log` keeps it (pino, one JSON object a
 * line, `--log-level info`: a line when a request comes in, one with its `responseTime` when it is
 * answered), read back by route: bench/route-latency.ts prints it.
 */

/** The path of the bench's marks: `GET /bench/mark/<name>` starts a section of the log. */
export const MARK = '/bench/mark/';

/** One measurement's part of the log: the server's `responseTime` of each route (ms, ascending). */
export interface LogSection {
  name: string;
  byRoute: Map<string, number[]>;
}

/**
 * A route: the method and path, with the ids in it (a segment of 16 or more letters, digits, `-` or
 * `_`) as `:id` and without the query string: `GET /api/items/01jq...?x=1` -> `GET /api/items/:id`.
 */
export function routeOf(method: string, url: string): string {
  const path = url.split('?')[0] ?? '';
  return `${method} ${path
    .split('/')
    .map((seg) => (/^[A-Za-z0-9_-]{16,}$/.test(seg) ? ':id' : seg))
    .join('/')}`;
}

/**
 * The log split at the marks (what comes before the first one is a section of its own), each
 * answered request's time under its route. Lines that are not a request's (startup, warnings) and
 * the marks themselves are left out.
 */
export function routeLatencies(log: string): LogSection[] {
  const sections: LogSection[] = [{ name: '(before the first mark)', byRoute: new Map() }];
  const pending = new Map<string, string>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { reqId?: string; req?: { method: string; url: string }; responseTime?: number };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    const { reqId, req, responseTime } = entry;
    if (!reqId) continue;
    if (req) {
      if (req.url.startsWith(MARK)) sections.push({ name: req.url.slice(MARK.length), byRoute: new Map() });
      else pending.set(reqId, routeOf(req.method, req.url));
    } else if (typeof responseTime === 'number') {
      const route = pending.get(reqId);
      if (route === undefined) continue;
      pending.delete(reqId);
      const byRoute = (sections[sections.length - 1] as LogSection).byRoute;
      const times = byRoute.get(route);
      if (times) times.push(responseTime);
      else byRoute.set(route, [responseTime]);
    }
  }
  for (const s of sections) for (const times of s.byRoute.values()) times.sort((a, b) => a - b);
  return sections;
}
