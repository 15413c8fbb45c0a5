import { request } from 'node:http';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/**
 * A real Server-Sent Events client over HTTP (what a browser's EventSource does): parses events,
 * comments (heartbeats) and `retry:`, and can wait for a number of events.
 */
export function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  events: SseEvent[];
  comments: string[];
  retry: number | null;
  body: string;
  ended: Promise<void>;
  waitFor(n: number, ms?: number): Promise<SseEvent[]>;
  close(): void;
}> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      let buffer = '';
      let body = '';
      const waiters: (() => boolean)[] = [];
      const state = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        comments,
        retry: null as number | null,
        get body() {
          return body;
        },
        ended: new Promise<void>((r) => {
          res.on('end', () => r());
          res.on('close', () => r());
          res.on('error', () => r());
        }),
        waitFor(n: number, ms = 5000) {
          return new Promise<SseEvent[]>((ok, fail) => {
            const timer = setTimeout(
              () => fail(new Error(`waited ${ms} ms for ${n} events, got ${events.length}: ${body}`)),
              ms,
            );
            const check = () => {
              if (events.length >= n) {
                clearTimeout(timer);
                ok(events.slice(0, n));
                return true;
              }
              return false;
            };
            if (!check()) waiters.push(check);
          });
        },
        close() {
          req.destroy();
        },
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        buffer += chunk;
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const e: SseEvent = { id: null, event: 'message', data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('retry: ')) state.retry = Number(line.slice(7));
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              e.data += line.slice(6);
              isEvent = true;
            }
          }
          if (isEvent) events.push(e);
          at = buffer.indexOf('\n\n');
        }
        for (const w of waiters.splice(0)) if (!w()) waiters.push(w);
      });
      resolve(state);
    });
    req.on('error', reject);
    req.end();
  });
}
