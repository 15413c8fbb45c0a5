import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultQueryCompiler, type RootOperationNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  dialects,
  invitationToken,
  joinAs,
  type SignedUp,
  signUp,
  useAdminWorkspace,
  verifyEmail,
} from './harness.ts';
import { uploadedVideo } from './video-helpers.ts';

/**
 * Issue 12: every query on a hot request path is compiled once (data/reusable-query.ts), not built
 * and compiled by Kysely on every request. The hot paths: the mixed workload's of `npm run bench`
 * (docs/BENCHMARKS.md), its reads (`/api/me`, an item by cookie and by API key, a folder, Shared
 * with me, the members page) and writes (a role change, an invitation, a share, a rename); an
 * invitation's acceptance; the bell and marking it read; the workspaces, the workspace, the root
 * listing, a new draft, the join requests panel, an item's access list and Share Page settings, an
 * access change and an unshare; a video streamed in the app and on its public page; a published share page
 * and its captions. Each request is
 * made twice to warm up, then twice more with other arguments (a change before each listing and a
 * new search term, so that the pages are built, not served from their caches): those times Kysely
 * compiles nothing. A hot query written with the query builder alone fails here, naming its SQL.
 */
describe.each(dialects)('hot request paths on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect, { seats: 20 });
  /**
   * The SQL Kysely compiles for what runs inside `counting.run(list, ...)`: the requests made there
   * and what they start, not the background jobs (their timers run outside it).
   */
  const counting = new AsyncLocalStorage<string[]>();

  beforeEach(() => {
    const compile = DefaultQueryCompiler.prototype.compileQuery;
    vi.spyOn(DefaultQueryCompiler.prototype, 'compileQuery').mockImplementation(function (
      this: DefaultQueryCompiler,
      node: RootOperationNode,
      queryId: Parameters<typeof compile>[1],
    ) {
      const query = compile.call(this, node, queryId);
      counting.getStore()?.push(query.sql);
      return query;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('compiles no query the second time each hot request is made', async () => {
    const { app, admin, ws } = fx;
    const call = async (
      method: string,
      url: string,
      opts: { cookie?: string; key?: string; body?: unknown },
    ) => {
      const res = await app.request({
        method,
        url,
        cookie: opts.cookie ?? null,
        body: opts.body,
        headers: opts.key ? { authorization: `Bearer ${opts.key}` } : {},
      });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
      return res.body === '' ? null : res.json();
    };
    const member = await joinAs(app, admin.cookie, ws.id, 'viewer');
    const key = (
      await call('POST', `/api/workspaces/${ws.id}/api-keys`, { cookie: admin.cookie, body: { name: 'k' } })
    ).key as string;
    const folder = await call('POST', `/api/workspaces/${ws.id}/items`, {
      cookie: admin.cookie,
      body: { kind: 'folder', title: 'Folder' },
    });
    const item = await call('POST', `/api/workspaces/${ws.id}/items`, {
      cookie: admin.cookie,
      body: { kind: 'draft', title: 'Draft', parentId: folder.id },
    });
    await call('PUT', `/api/items/${item.id}/grants/${member.userId}`, {
      cookie: admin.cookie,
      body: { permission: 'view' },
    });

    // A published video's share page, watched by anyone without signing in.
    const { item: video } = await uploadedVideo(app, admin.cookie, ws.id, 'Launch film');
    const { slug } = await call('PATCH', `/api/items/${video.id}/share-page`, {
      cookie: admin.cookie,
      body: { published: true },
    });
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n';
    const track = await call('POST', `/api/items/${video.id}/captions`, {
      cookie: admin.cookie,
      body: { language: 'en', label: 'English', vtt },
    });

    // Invitees signed up and verified beforehand (Better Auth's sign-up is not a hot path): one a pass.
    const invitees: SignedUp[] = [];
    for (let n = 0; n < 4; n++) {
      const user = await signUp(app, { name: `Invitee ${n}` });
      await verifyEmail(app, user.userId);
      invitees.push(user);
    }

    /**
     * The hot requests; `n` makes each pass's arguments differ (pages built anew, new addresses).
     * Only what runs inside `counted` is counted (the test's own reads of the outbox are not).
     */
    const hot: [
      string,
      (n: number, counted: <T>(run: () => Promise<T>) => Promise<T>) => Promise<unknown>,
    ][] = [
      ['GET /api/me', (_, counted) => counted(() => call('GET', '/api/me', { cookie: admin.cookie }))],
      [
        'GET /api/items/:id (cookie)',
        (_, counted) => counted(() => call('GET', `/api/items/${item.id}`, { cookie: admin.cookie })),
      ],
      [
        'GET /api/items/:id (API key)',
        (_, counted) => counted(() => call('GET', `/api/items/${item.id}`, { key })),
      ],
      [
        'PATCH a rename, then GET its folder (built)',
        (n, counted) =>
          counted(async () => {
            await call('PATCH', `/api/items/${item.id}`, { cookie: admin.cookie, body: { title: `T${n}` } });
            const page = await call('GET', `/api/workspaces/${ws.id}/items?parentId=${folder.id}`, {
              cookie: admin.cookie,
            });
            expect(page.items[0].title).toBe(`T${n}`);
          }),
      ],
      [
        'PUT a share, then GET Shared with me (built) and the bell',
        (n, counted) =>
          counted(async () => {
            await call('PUT', `/api/items/${item.id}/grants/${member.userId}`, {
              cookie: admin.cookie,
              body: { permission: n % 2 ? 'edit' : 'view' },
            });
            const page = await call('GET', `/api/workspaces/${ws.id}/items?view=shared`, {
              cookie: member.cookie,
            });
            expect(page.items.map((i: { id: string }) => i.id)).toEqual([item.id]);
            await call('GET', '/api/notifications', { cookie: member.cookie });
          }),
      ],
      [
        'GET the members page, a new search term',
        (n, counted) =>
          counted(() =>
            call('GET', `/api/workspaces/${ws.id}/members?limit=50&q=${['mem', 'ada', 'zzz', 'emb'][n]}`, {
              cookie: admin.cookie,
            }),
          ),
      ],
      [
        'PATCH a member role, then GET the members page (built)',
        (n, counted) =>
          counted(async () => {
            await call('PATCH', `/api/workspaces/${ws.id}/members/${member.userId}`, {
              cookie: admin.cookie,
              body: { role: n % 2 ? 'creator' : 'viewer' },
            });
            await call('GET', `/api/workspaces/${ws.id}/members?limit=50`, { cookie: admin.cookie });
          }),
      ],
      [
        "GET the workspace, the root listing, an item's access list and its Share Page settings",
        (_, counted) =>
          counted(async () => {
            await call('GET', `/api/workspaces/${ws.id}`, { cookie: admin.cookie });
            await call('GET', `/api/workspaces/${ws.id}/items`, { cookie: admin.cookie });
            await call('GET', `/api/items/${item.id}/access`, { cookie: admin.cookie });
            await call('GET', `/api/items/${video.id}/share-page`, { cookie: admin.cookie });
          }),
      ],
      [
        'POST a new draft, GET the join requests, POST the bell read',
        (n, counted) =>
          counted(async () => {
            await call('POST', `/api/workspaces/${ws.id}/items`, {
              cookie: admin.cookie,
              body: { kind: 'draft', title: `New ${n}` },
            });
            await call('GET', `/api/workspaces/${ws.id}/join-requests`, { cookie: admin.cookie });
            await call('POST', '/api/notifications/read', { cookie: member.cookie, body: { all: true } });
          }),
      ],
      [
        "PATCH an item's access, DELETE and PUT a grant, GET the workspaces",
        (n, counted) =>
          counted(async () => {
            await call('PATCH', `/api/items/${item.id}/access`, {
              cookie: admin.cookie,
              body: { generalAccess: n % 2 ? 'workspace' : 'selected' },
            });
            await call('DELETE', `/api/items/${item.id}/grants/${member.userId}`, { cookie: admin.cookie });
            await call('PUT', `/api/items/${item.id}/grants/${member.userId}`, {
              cookie: admin.cookie,
              body: { permission: 'view' },
            });
            await call('GET', '/api/workspaces', { cookie: admin.cookie });
          }),
      ],
      [
        'GET a video in the app and on its public page, a range at a time',
        (n, counted) =>
          counted(async () => {
            await call('GET', `/api/items/${video.id}/video`, { cookie: admin.cookie });
            for (const url of [`/api/items/${video.id}/file`, `/api/public/videos/${slug}/file`]) {
              const res = await app.request({
                method: 'GET',
                url,
                cookie: url.startsWith('/api/items') ? admin.cookie : null,
                headers: { range: `bytes=${n}-${n + 9}` },
              });
              expect(res.statusCode, `${url}: ${res.body}`).toBe(206);
            }
          }),
      ],
      [
        'GET a published share page and its captions, signed out',
        (_, counted) =>
          counted(async () => {
            const page = await call('GET', `/api/public/videos/${slug}`, {});
            expect(page.title).toBe('Launch film');
            const captions = await app.request({
              method: 'GET',
              url: `/api/public/videos/${slug}/captions/${track.id}`,
            });
            expect(captions.body).toBe(vtt);
          }),
      ],
      [
        'POST an invitation, then accept it',
        async (n, counted) => {
          const invitee = invitees[n] as SignedUp;
          await counted(() =>
            call('POST', `/api/workspaces/${ws.id}/invitations`, {
              cookie: admin.cookie,
              body: { emails: [invitee.email], role: 'viewer' },
            }),
          );
          const token = await invitationToken(app, invitee.email);
          await counted(() => call('POST', `/api/invitations/${token}/accept`, { cookie: invitee.cookie }));
        },
      ],
    ];
    const found: Record<string, string[]> = {};
    /** Runs `run` counting what Kysely compiles for it, under `name` in `found`. */
    const countedAs =
      (name: string) =>
      async <T>(run: () => Promise<T>): Promise<T> => {
        const compiled: string[] = [];
        try {
          return await counting.run(compiled, run);
        } finally {
          if (compiled.length > 0) found[name] = [...(found[name] ?? []), ...compiled];
        }
      };
    const warming = <T>(run: () => Promise<T>) => run();
    // Two passes to warm up: a role or permission set to what it already was changes nothing.
    for (const n of [0, 1]) for (const [, run] of hot) await run(n, warming);
    for (const n of [2, 3]) for (const [label, run] of hot) await run(n, countedAs(`${label} (pass ${n})`));
    expect(found).toEqual({});
  });
});
