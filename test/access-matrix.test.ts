/**
 * The route × credential × role matrix (SPEC §8, §9; docs/SECURITY.md). Generated from the routes
 * the server actually registered: a route without an entry below fails the test, and so does an
 * entry for a route that no longer exists. Every route is called by every principal: each role by
 * session cookie, each role's API key (keys whose owners were demoted below Developer are dead),
 * a key made in another workspace by someone who is a Super Admin of this one, a removed member,
 * and nobody. What an entry does not allow must be refused: 401 without a live credential, 403
 * for a member (or credential) that may not, 404 for everyone else — with the same 404 body as
 * for ids that do not exist at all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/contract/roles.ts';
import { hashToken } from '../src/infra/tokens.ts';
import {
  addMember,
  createWorkspace,
  type DialectName,
  dialects,
  invitationToken,
  ORIGIN,
  type SignedUp,
  sessionCookie,
  signUp,
  startTestApp,
  type TestApp,
  uniqueEmail,
  verifyEmail,
} from './harness.ts';

const principals = [
  'anon',
  'sa',
  'dev',
  'creator',
  'viewer',
  'removed',
  'key:sa',
  'key:dev',
  'key:creator',
  'key:viewer',
  'key:foreign',
] as const;
type Principal = (typeof principals)[number];

const COOKIES = ['sa', 'dev', 'creator', 'viewer'] as const satisfies Principal[];
const SESSIONS = [...COOKIES, 'removed'] as const satisfies Principal[];
const LIVE_KEYS = ['key:sa', 'key:dev', 'key:foreign'] as const satisfies Principal[];
/** Everyone who acts in the workspace: its members by cookie and by their own keys. */
const MEMBERS = [...COOKIES, 'key:sa', 'key:dev'] as const satisfies Principal[];
const ADMINS = ['sa', 'key:sa'] as const satisfies Principal[];
const NO_CREDENTIAL: Principal[] = ['anon', 'key:creator', 'key:viewer'];

/** One workspace with a member in every role, their keys, a removed member and a shared item. */
interface World {
  ws: { id: string; name: string };
  keys: Partial<Record<Principal, string>>;
  /** A draft owned by the Creator, open to the whole workspace at view. */
  itemId: string;
  /** Made on first use by `ctx.video`. */
  video?: WorldVideo;
}

/** A video owned by the Creator, open to the workspace at view, with a file, poster, captions, published. */
interface WorldVideo {
  id: string;
  fileId: string;
  trackId: string;
  slug: string;
}

interface Request {
  method: string;
  url: string;
  body?: unknown;
  /** A raw body (a video or an image upload) with its Content-Type, instead of JSON. */
  raw?: { payload: Buffer; contentType: string };
}

type Outcome =
  /** Anyone may call it; every principal gets this status (`sessions`: the signed-in get this one). */
  | { public: number; sessions?: number }
  | {
      ok: readonly Principal[];
      /**
       * The status `ok` principals get when not 2xx: a route whose input no principal can make
       * right (the account's own password), so it is refused past the gate, never by it.
       */
      okStatus?: number;
      /** Refused with 403 (a member, or a credential, that may not). */
      forbidden?: readonly Principal[];
      /** Refused with 401 (default: no credential, or a dead key). */
      unauthenticated?: readonly Principal[];
    };

interface Entry {
  expect: Outcome;
  /** A Server-Sent Events route: a 2xx answer is a stream that never ends on its own. */
  stream?: true;
  /** A fresh world for every call (the call destroys what others need). */
  freshWorld?: boolean;
  /** The request for `who`, with whatever fixtures it needs made first. */
  request(ctx: Ctx, world: World, who: Principal): Promise<Request> | Request;
}

interface Ctx {
  app: TestApp;
  people: Record<
    'sa' | 'dev' | 'creator' | 'viewer' | 'removed' | 'foreign' | 'dc' | 'dv' | 'host',
    SignedUp
  >;
  foreignKey: string;
  /**
   * Calls as `who`; key principals use `world`'s keys. `stream`: the route answers with a stream
   * that stays open, which is closed as soon as its status is known.
   */
  call(who: Principal, req: Request, world?: World, stream?: boolean): Promise<LightMyRequestResponse>;
  newWorld(): Promise<World>;
  /** A fresh user (no password) who is a member of the world's workspace. */
  newMember(world: World, role: Role): Promise<string>;
  /** A pending invitation to `email` in a workspace `admin` is Super Admin of: its id and token. */
  newInvitation(wsId: string, admin: SignedUp, email?: string): Promise<{ id: string; token: string }>;
  newItem(world: World): Promise<string>;
  /** The world's video (made once per world). */
  video(world: World): Promise<WorldVideo>;
  /** A new caption track on the world's video, made by its owner. */
  newTrack(world: World): Promise<string>;
}

const sessionOnly = { ok: SESSIONS, unauthenticated: [...NO_CREDENTIAL, ...LIVE_KEYS] } as const;
const itemView = { ok: MEMBERS } as const;
const itemEdit = { ok: ['sa', 'creator', 'key:sa'], forbidden: ['dev', 'viewer', 'key:dev'] } as const;
const membersOnly = { ok: MEMBERS } as const;
const adminOnly = { ok: ADMINS, forbidden: ['dev', 'creator', 'viewer', 'key:dev'] } as const;
let counter = 0;

/** Every registered route, as "METHOD url". HEAD routes answer as their GET twin. */
const matrix: Record<string, Entry> = {
  // Public documents and pages.
  'GET /': { expect: { public: 200 }, request: () => ({ method: 'GET', url: '/' }) },
  'GET /*': { expect: { public: 200 }, request: () => ({ method: 'GET', url: '/w/some/members' }) },
  'GET /healthz': { expect: { public: 200 }, request: () => ({ method: 'GET', url: '/healthz' }) },
  'GET /readyz': { expect: { public: 200 }, request: () => ({ method: 'GET', url: '/readyz' }) },
  // Prometheus metrics (only with METRICS_TOKEN, which the matrix app sets): no principal holds the
  // token, and no session or API key stands in for it. test/metrics.test.ts tests the token.
  'GET /metrics': { expect: { public: 401 }, request: () => ({ method: 'GET', url: '/metrics' }) },
  'GET /api/openapi.json': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/openapi.json' }),
  },
  'GET /api/docs': { expect: { public: 200 }, request: () => ({ method: 'GET', url: '/api/docs' }) },
  'GET /api/docs/json': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/docs/json' }),
  },
  'GET /api/docs/yaml': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/docs/yaml' }),
  },
  'GET /api/docs/static/index.html': {
    // Swagger UI sends it on to /api/docs.
    expect: { public: 302 },
    request: () => ({ method: 'GET', url: '/api/docs/static/index.html' }),
  },
  'GET /api/docs/static/swagger-initializer.js': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' }),
  },
  // The docs page's Troupe look (src/http/api-docs-theme.ts).
  'GET /api/docs/static/theme/troupe.css': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/docs/static/theme/troupe.css' }),
  },
  'GET /api/docs/static/theme/favicon.svg': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/docs/static/theme/favicon.svg' }),
  },
  'GET /api/docs/static/*': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/docs/static/swagger-ui.css' }),
  },
  // The dev mailbox (development only; loopback clients only).
  'GET /dev/mailbox': { expect: { public: 200 }, request: () => ({ method: 'GET', url: '/dev/mailbox' }) },
  'GET /dev/mailbox.json': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/dev/mailbox.json' }),
  },
  'GET /dev/mailbox/:id': {
    expect: { public: 200 },
    async request(ctx) {
      const mail = await ctx.app.troupe.data.db
        .selectFrom('mail_outbox')
        .select('id')
        .executeTakeFirstOrThrow();
      return { method: 'GET', url: `/dev/mailbox/${mail.id}` };
    },
  },

  // Accounts (Better Auth). API keys are no credential here.
  'POST /api/auth/sign-up/email': {
    expect: { public: 200 },
    request: () => ({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      body: { email: uniqueEmail('matrix'), name: 'New Person', password: 'correct horse battery' },
    }),
  },
  'POST /api/auth/sign-in/email': {
    expect: { public: 200 },
    request: (ctx) => ({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      body: { email: ctx.people.host.email, password: 'correct horse battery' },
    }),
  },
  'POST /api/auth/sign-out': {
    // Signing out is harmless without a session; with one, it ends it (the matrix re-signs in).
    expect: { public: 200 },
    request: () => ({ method: 'POST', url: '/api/auth/sign-out', body: {} }),
  },
  'POST /api/auth/send-verification-email': {
    // Signed in, it is about your own address (already verified here); signed out, any address
    // gets the same answer, known or not.
    expect: { public: 200, sessions: 400 },
    request: (ctx, _w, who) => ({
      method: 'POST',
      url: '/api/auth/send-verification-email',
      body: { email: isSession(who) ? ownerOf(ctx, who)?.email : uniqueEmail('nobody') },
    }),
  },
  'POST /api/auth/request-password-reset': {
    expect: { public: 200 },
    request: (ctx, _w, who) => ({
      method: 'POST',
      url: '/api/auth/request-password-reset',
      body: { email: ownerOf(ctx, who)?.email ?? uniqueEmail('nobody') },
    }),
  },
  // The emailed links (served by Better Auth, limited per client): a token that is no link sends the
  // browser back with an error (reset), or is refused (verification), alike for everyone.
  'GET /api/auth/reset-password/:token': {
    expect: { public: 302 },
    request: () => ({ method: 'GET', url: '/api/auth/reset-password/not-a-token?callbackURL=%2Freset' }),
  },
  'GET /api/auth/verify-email': {
    expect: { public: 401 },
    request: () => ({ method: 'GET', url: '/api/auth/verify-email?token=not-a-token' }),
  },
  'POST /api/auth/reset-password': {
    // Only the emailed token counts: without it, everyone is refused alike.
    expect: { public: 400 },
    request: () => ({
      method: 'POST',
      url: '/api/auth/reset-password',
      body: { token: 'not-a-token', newPassword: 'another good password' },
    }),
  },
  'POST /api/auth/update-user': {
    expect: sessionOnly,
    request: () => ({ method: 'POST', url: '/api/auth/update-user', body: { name: 'Renamed Person' } }),
  },
  'GET /api/auth/*': {
    expect: sessionOnly,
    request: () => ({ method: 'GET', url: '/api/auth/list-sessions' }),
  },
  'POST /api/auth/*': {
    // Better Auth's update-session: no field of ours to change (400), past its session check.
    expect: { ...sessionOnly, okStatus: 400 },
    request: () => ({ method: 'POST', url: '/api/auth/update-session', body: {} }),
  },
  // Better Auth's account routes, served by Troupe's account use cases: sessions only, keys 403.
  'POST /api/auth/revoke-session': {
    // Another session of the caller's own (made for the call), named as list-sessions names it.
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    async request(ctx, _w, who) {
      const person = ownerOf(ctx, who);
      const body = { token: 'nosuchsession' };
      if (!person || !isSession(who)) return { method: 'POST', url: '/api/auth/revoke-session', body };
      const signedIn = await ctx.app.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: person.email, password: 'correct horse battery' },
      });
      const value = decodeURIComponent(sessionCookie(signedIn).split('=')[1] as string);
      const token = hashToken(value.slice(0, value.lastIndexOf('.')));
      return { method: 'POST', url: '/api/auth/revoke-session', body: { token } };
    },
  },
  'POST /api/auth/revoke-other-sessions': {
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    request: () => ({ method: 'POST', url: '/api/auth/revoke-other-sessions', body: {} }),
  },
  'POST /api/auth/delete-user': {
    // As DELETE /api/account: the password is never the right one here (400); keys 403 before it.
    expect: { ok: SESSIONS, okStatus: 400, forbidden: LIVE_KEYS },
    request: () => ({ method: 'POST', url: '/api/auth/delete-user', body: { password: 'not the password' } }),
  },

  // The account page: signed-in people only; an API key may not read or change its owner's account.
  'GET /api/account': {
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    request: () => ({ method: 'GET', url: '/api/account' }),
  },
  'PATCH /api/account': {
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    request: () => ({ method: 'PATCH', url: '/api/account', body: { name: 'Renamed Person' } }),
  },
  'DELETE /api/account': {
    // Only with the account's own password; the principals' passwords are not sent, so even a
    // session is refused (400), and the people of the matrix live on. test/account.test.ts deletes.
    expect: { ok: SESSIONS, okStatus: 400, forbidden: LIVE_KEYS },
    request: () => ({ method: 'DELETE', url: '/api/account', body: { password: 'not the password' } }),
  },
  'GET /api/account/sessions': {
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    request: () => ({ method: 'GET', url: '/api/account/sessions' }),
  },
  'DELETE /api/account/sessions/:sessionId': {
    // Another session of the caller's own (made for the call); keys: forbidden before any lookup.
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    async request(ctx, _w, who) {
      const person = ownerOf(ctx, who);
      if (!person || !isSession(who)) return { method: 'DELETE', url: '/api/account/sessions/nosuchsession' };
      const signedIn = await ctx.app.request({
        method: 'POST',
        url: '/api/auth/sign-in/email',
        body: { email: person.email, password: 'correct horse battery' },
      });
      const sessions = await ctx.app.request({
        method: 'GET',
        url: '/api/account/sessions',
        cookie: sessionCookie(signedIn),
      });
      const other = sessions.json().sessions.find((s: { current: boolean }) => s.current);
      return { method: 'DELETE', url: `/api/account/sessions/${other.id}` };
    },
  },
  'POST /api/account/sessions/revoke-others': {
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    request: () => ({ method: 'POST', url: '/api/account/sessions/revoke-others', body: {} }),
  },
  'POST /api/account/password': {
    // The current password is never the one sent here: every session is refused with 400 (the
    // password itself is tested in test/account.test.ts); keys are forbidden before it is checked.
    expect: { ok: SESSIONS, okStatus: 400, forbidden: LIVE_KEYS },
    request: () => ({
      method: 'POST',
      url: '/api/account/password',
      body: { currentPassword: 'not the password', newPassword: 'another good password' },
    }),
  },

  // The caller and their workspaces.
  'GET /api/me': {
    expect: { ok: [...SESSIONS, ...LIVE_KEYS] },
    request: () => ({ method: 'GET', url: '/api/me' }),
  },
  'GET /api/session': {
    expect: { public: 200 },
    request: () => ({ method: 'GET', url: '/api/session' }),
  },
  'GET /api/workspaces': {
    expect: { ok: [...SESSIONS, ...LIVE_KEYS] },
    request: () => ({ method: 'GET', url: '/api/workspaces' }),
  },
  'POST /api/workspaces': {
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    request: () => ({ method: 'POST', url: '/api/workspaces', body: { name: 'Another' } }),
  },

  // One workspace.
  'GET /api/workspaces/:ws': {
    expect: membersOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}` }),
  },
  'GET /api/workspaces/:ws/company-domains': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/company-domains` }),
  },
  'PATCH /api/workspaces/:ws': {
    expect: adminOnly,
    request: (_c, w) => ({
      method: 'PATCH',
      url: `/api/workspaces/${w.ws.id}`,
      body: { requireApproval: true },
    }),
  },
  'DELETE /api/workspaces/:ws': {
    expect: adminOnly,
    freshWorld: true,
    request: (_c, w) => ({
      method: 'DELETE',
      url: `/api/workspaces/${w.ws.id}`,
      body: { confirmName: w.ws.name },
    }),
  },
  'GET /api/workspaces/:ws/members': {
    expect: membersOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/members` }),
  },
  'PATCH /api/workspaces/:ws/members/:userId': {
    expect: adminOnly,
    async request(ctx, w) {
      const userId = await ctx.newMember(w, 'creator');
      return {
        method: 'PATCH',
        url: `/api/workspaces/${w.ws.id}/members/${userId}`,
        body: { role: 'viewer' },
      };
    },
  },
  'DELETE /api/workspaces/:ws/members/:userId': {
    expect: adminOnly,
    async request(ctx, w) {
      const userId = await ctx.newMember(w, 'creator');
      return { method: 'DELETE', url: `/api/workspaces/${w.ws.id}/members/${userId}` };
    },
  },
  'POST /api/workspaces/:ws/invitations': {
    expect: adminOnly,
    request: (_c, w) => ({
      method: 'POST',
      url: `/api/workspaces/${w.ws.id}/invitations`,
      body: { emails: [uniqueEmail('invitee')], role: 'viewer' },
    }),
  },
  'POST /api/workspaces/:ws/invitations/:id/resend': {
    expect: adminOnly,
    async request(ctx, w) {
      const { id } = await ctx.newInvitation(w.ws.id, ctx.people.sa);
      return { method: 'POST', url: `/api/workspaces/${w.ws.id}/invitations/${id}/resend` };
    },
  },
  'DELETE /api/workspaces/:ws/invitations/:id': {
    expect: adminOnly,
    async request(ctx, w) {
      const { id } = await ctx.newInvitation(w.ws.id, ctx.people.sa);
      return { method: 'DELETE', url: `/api/workspaces/${w.ws.id}/invitations/${id}` };
    },
  },
  'GET /api/invitations/:token': {
    expect: { public: 200 },
    async request(ctx, w) {
      const { token } = await ctx.newInvitation(w.ws.id, ctx.people.sa);
      return { method: 'GET', url: `/api/invitations/${token}` };
    },
  },
  'POST /api/invitations/:token/accept': {
    // Joining a workspace is a person's act: sessions only; a key may not, even its owner's.
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    async request(ctx, _w, who) {
      // A workspace of someone else's, which the invited person is not in yet.
      const host = await createWorkspace(ctx.app, ctx.people.host.cookie, 'Host');
      const { token } = await ctx.newInvitation(host.id, ctx.people.host, ownerOf(ctx, who)?.email);
      return { method: 'POST', url: `/api/invitations/${token}/accept` };
    },
  },
  'GET /api/workspaces/:ws/billing': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/billing` }),
  },
  'POST /api/workspaces/:ws/billing/seats': {
    expect: adminOnly,
    request: (_c, w) => {
      counter += 1;
      return {
        method: 'POST',
        url: `/api/workspaces/${w.ws.id}/billing/seats`,
        body: { seats: 100 + counter },
      };
    },
  },
  'POST /api/workspaces/:ws/api-keys': {
    // Keys never mint keys.
    expect: { ok: ['sa', 'dev'], forbidden: ['creator', 'viewer', 'key:sa', 'key:dev'] },
    request: (_c, w) => ({
      method: 'POST',
      url: `/api/workspaces/${w.ws.id}/api-keys`,
      body: { name: 'Matrix' },
    }),
  },
  'GET /api/workspaces/:ws/api-keys': {
    expect: { ok: ['sa', 'dev', 'key:sa', 'key:dev'], forbidden: ['creator', 'viewer'] },
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/api-keys` }),
  },
  'DELETE /api/workspaces/:ws/api-keys/:keyId': {
    // The key revoked is another of the Developer's: theirs to revoke, and any Super Admin's.
    expect: { ok: ['sa', 'dev', 'key:sa', 'key:dev'], forbidden: ['creator', 'viewer'] },
    async request(ctx, w) {
      const res = await ctx.call('dev', {
        method: 'POST',
        url: `/api/workspaces/${w.ws.id}/api-keys`,
        body: { name: 'To revoke' },
      });
      expect(res.statusCode).toBe(201);
      return { method: 'DELETE', url: `/api/workspaces/${w.ws.id}/api-keys/${res.json().id}` };
    },
  },
  'GET /api/workspaces/:ws/audit': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/audit` }),
  },

  // The library and sharing.
  'POST /api/workspaces/:ws/items': {
    expect: { ok: ['sa', 'dev', 'creator', 'key:sa', 'key:dev'], forbidden: ['viewer'] },
    request: (_c, w) => ({
      method: 'POST',
      url: `/api/workspaces/${w.ws.id}/items`,
      body: { kind: 'folder', title: 'Matrix folder' },
    }),
  },
  'GET /api/workspaces/:ws/items': {
    expect: membersOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/items` }),
  },
  'GET /api/items/:id': {
    expect: itemView,
    request: (_c, w) => ({ method: 'GET', url: `/api/items/${w.itemId}` }),
  },
  'PATCH /api/items/:id': {
    expect: itemEdit,
    request: (_c, w) => ({ method: 'PATCH', url: `/api/items/${w.itemId}`, body: { title: 'Renamed' } }),
  },
  'DELETE /api/items/:id': {
    expect: itemEdit,
    async request(ctx, w) {
      return { method: 'DELETE', url: `/api/items/${await ctx.newItem(w)}` };
    },
  },
  // The trash (SPEC §5): restoring and deleting for good are decided as deleting is, on the
  // trashed item's folders as they were; the trash lists what the caller may restore.
  'POST /api/items/:id/restore': {
    expect: itemEdit,
    async request(ctx, w) {
      const itemId = await ctx.newItem(w);
      const del = await ctx.call('creator', { method: 'DELETE', url: `/api/items/${itemId}` });
      expect(del.statusCode).toBe(204);
      return { method: 'POST', url: `/api/items/${itemId}/restore` };
    },
  },
  'GET /api/workspaces/:ws/trash': {
    expect: membersOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/trash` }),
  },
  'GET /api/items/:id/access': {
    expect: itemView,
    request: (_c, w) => ({ method: 'GET', url: `/api/items/${w.itemId}/access` }),
  },
  'PATCH /api/items/:id/access': {
    expect: itemEdit,
    async request(ctx, w) {
      return {
        method: 'PATCH',
        url: `/api/items/${await ctx.newItem(w)}/access`,
        body: { generalAccess: 'workspace', workspacePermission: 'view' },
      };
    },
  },
  'PUT /api/items/:id/grants/:userId': {
    expect: itemEdit,
    async request(ctx, w) {
      return {
        method: 'PUT',
        url: `/api/items/${await ctx.newItem(w)}/grants/${ctx.people.viewer.userId}`,
        body: { permission: 'view' },
      };
    },
  },
  'DELETE /api/items/:id/grants/:userId': {
    expect: itemEdit,
    async request(ctx, w) {
      const itemId = await ctx.newItem(w);
      const put = await ctx.call('creator', {
        method: 'PUT',
        url: `/api/items/${itemId}/grants/${ctx.people.viewer.userId}`,
        body: { permission: 'view' },
      });
      expect(put.statusCode).toBe(200);
      return { method: 'DELETE', url: `/api/items/${itemId}/grants/${ctx.people.viewer.userId}` };
    },
  },

  // Videos (SPEC §6): the file, its poster, the Share Page and captions. The world's video is the
  // Creator's, open to the workspace at view: members read it, only editors change it.
  'PUT /api/items/:id/file': {
    expect: itemEdit,
    request: async (ctx, w) => ({
      method: 'PUT',
      url: `/api/items/${(await ctx.video(w)).id}/file`,
      raw: { payload: MP4, contentType: 'video/mp4' },
    }),
  },
  'GET /api/items/:id/file': {
    expect: itemView,
    request: async (ctx, w) => ({ method: 'GET', url: `/api/items/${(await ctx.video(w)).id}/file` }),
  },
  'GET /api/items/:id/video': {
    expect: itemView,
    request: async (ctx, w) => ({ method: 'GET', url: `/api/items/${(await ctx.video(w)).id}/video` }),
  },
  'PUT /api/items/:id/poster': {
    expect: itemEdit,
    async request(ctx, w) {
      const video = await ctx.video(w);
      const current = await ctx.call('creator', { method: 'GET', url: `/api/items/${video.id}/video` }, w);
      return {
        method: 'PUT',
        url: `/api/items/${video.id}/poster?fileId=${current.json().file.fileId}`,
        raw: { payload: JPEG, contentType: 'image/jpeg' },
      };
    },
  },
  'GET /api/items/:id/poster': {
    expect: itemView,
    request: async (ctx, w) => ({ method: 'GET', url: `/api/items/${(await ctx.video(w)).id}/poster` }),
  },
  'GET /api/items/:id/share-page': {
    expect: itemView,
    request: async (ctx, w) => ({ method: 'GET', url: `/api/items/${(await ctx.video(w)).id}/share-page` }),
  },
  'PATCH /api/items/:id/share-page': {
    expect: itemEdit,
    request: async (ctx, w) => ({
      method: 'PATCH',
      url: `/api/items/${(await ctx.video(w)).id}/share-page`,
      body: { allowDownload: true },
    }),
  },
  'GET /api/items/:id/captions': {
    expect: itemView,
    request: async (ctx, w) => ({ method: 'GET', url: `/api/items/${(await ctx.video(w)).id}/captions` }),
  },
  'POST /api/items/:id/captions': {
    expect: itemEdit,
    async request(ctx, w) {
      counter += 1;
      return {
        method: 'POST',
        url: `/api/items/${(await ctx.video(w)).id}/captions`,
        body: { language: `fr-x-m${counter}`, label: 'Français', vtt: VTT },
      };
    },
  },
  'PUT /api/items/:id/captions/:trackId': {
    expect: itemEdit,
    async request(ctx, w) {
      const video = await ctx.video(w);
      return {
        method: 'PUT',
        url: `/api/items/${video.id}/captions/${video.trackId}`,
        body: { language: 'en', label: 'English', vtt: VTT },
      };
    },
  },
  'DELETE /api/items/:id/captions/:trackId': {
    expect: itemEdit,
    async request(ctx, w) {
      const video = await ctx.video(w);
      return { method: 'DELETE', url: `/api/items/${video.id}/captions/${await ctx.newTrack(w)}` };
    },
  },
  'GET /api/items/:id/captions/:trackId/vtt': {
    expect: itemView,
    async request(ctx, w) {
      const video = await ctx.video(w);
      return { method: 'GET', url: `/api/items/${video.id}/captions/${video.trackId}/vtt` };
    },
  },

  // Public pages (SPEC §6): no session and no key count here; the published video is anyone's.
  'GET /api/public/videos/:slug': {
    expect: { public: 200 },
    request: async (ctx, w) => ({ method: 'GET', url: `/api/public/videos/${(await ctx.video(w)).slug}` }),
  },
  'POST /api/public/videos/:slug/unlock': {
    // No password on the world's video: nothing to unlock, for anyone.
    expect: { public: 200 },
    request: async (ctx, w) => ({
      method: 'POST',
      url: `/api/public/videos/${(await ctx.video(w)).slug}/unlock`,
      body: { password: 'anything' },
    }),
  },
  'GET /api/public/videos/:slug/file': {
    expect: { public: 200 },
    request: async (ctx, w) => ({
      method: 'GET',
      url: `/api/public/videos/${(await ctx.video(w)).slug}/file`,
    }),
  },
  'GET /api/public/videos/:slug/poster': {
    expect: { public: 200 },
    request: async (ctx, w) => ({
      method: 'GET',
      url: `/api/public/videos/${(await ctx.video(w)).slug}/poster`,
    }),
  },
  'GET /api/public/videos/:slug/captions/:trackId': {
    expect: { public: 200 },
    async request(ctx, w) {
      const video = await ctx.video(w);
      return { method: 'GET', url: `/api/public/videos/${video.slug}/captions/${video.trackId}` };
    },
  },
  'GET /v/:slug': {
    expect: { public: 200 },
    request: async (ctx, w) => ({ method: 'GET', url: `/v/${(await ctx.video(w)).slug}` }),
  },
  'GET /embed/:slug': {
    expect: { public: 200 },
    request: async (ctx, w) => ({ method: 'GET', url: `/embed/${(await ctx.video(w)).slug}` }),
  },
  // The invite link and joining by it (SPEC §4.3).
  'GET /api/workspaces/:ws/invite-link': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/invite-link` }),
  },
  'PATCH /api/workspaces/:ws/invite-link': {
    expect: adminOnly,
    request: (_c, w) => ({
      method: 'PATCH',
      url: `/api/workspaces/${w.ws.id}/invite-link`,
      body: { role: 'creator' },
    }),
  },
  'POST /api/workspaces/:ws/invite-link/rotate': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'POST', url: `/api/workspaces/${w.ws.id}/invite-link/rotate` }),
  },
  'GET /api/join/:linkToken': {
    expect: { public: 200 },
    async request(ctx, w) {
      return { method: 'GET', url: `/api/join/${await linkToken(ctx, w.ws.id, ctx.people.sa)}` };
    },
  },
  'POST /api/join/:linkToken': {
    // Joining a workspace is a person's act: sessions only; a key may not, even its owner's.
    expect: { ok: SESSIONS, forbidden: LIVE_KEYS },
    async request(ctx) {
      // A workspace of someone else's, which the caller is not in yet.
      const host = await createWorkspace(ctx.app, ctx.people.host.cookie, 'Host');
      return { method: 'POST', url: `/api/join/${await linkToken(ctx, host.id, ctx.people.host)}` };
    },
  },

  // Join requests (SPEC §4.4).
  'GET /api/workspaces/:ws/join-requests': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/join-requests` }),
  },
  'POST /api/workspaces/:ws/join-requests/:id/approve': {
    expect: adminOnly,
    async request(ctx, w) {
      return {
        method: 'POST',
        url: `/api/workspaces/${w.ws.id}/join-requests/${await newJoinRequest(ctx, w)}/approve`,
      };
    },
  },
  'POST /api/workspaces/:ws/join-requests/:id/deny': {
    expect: adminOnly,
    async request(ctx, w) {
      return {
        method: 'POST',
        url: `/api/workspaces/${w.ws.id}/join-requests/${await newJoinRequest(ctx, w)}/deny`,
      };
    },
  },

  // Company-domain suggestions (SPEC §4.5).
  'GET /api/workspaces/:ws/suggestions': {
    expect: adminOnly,
    request: (_c, w) => ({ method: 'GET', url: `/api/workspaces/${w.ws.id}/suggestions` }),
  },
  'POST /api/workspaces/:ws/suggestions/:userId/dismiss': {
    expect: adminOnly,
    async request(ctx, w) {
      // Everyone here signs up at example.com: with it as the company domain, a new verified
      // account there is a suggestion.
      await ctx.app.troupe.data.db
        .updateTable('workspaces')
        .set({ company_domain: 'example.com' })
        .where('id', '=', w.ws.id)
        .execute();
      const userId = await newUser(ctx);
      return { method: 'POST', url: `/api/workspaces/${w.ws.id}/suggestions/${userId}/dismiss` };
    },
  },

  // Notifications (SPEC §7): a person's own; a key reads those of its own workspace.
  'GET /api/notifications': {
    expect: { ok: [...SESSIONS, ...LIVE_KEYS] },
    request: () => ({ method: 'GET', url: '/api/notifications' }),
  },
  'POST /api/notifications/read': {
    expect: { ok: [...SESSIONS, ...LIVE_KEYS] },
    request: () => ({ method: 'POST', url: '/api/notifications/read', body: { all: true } }),
  },
  'GET /api/notifications/stream': {
    expect: { ok: [...SESSIONS, ...LIVE_KEYS] },
    stream: true,
    request: () => ({ method: 'GET', url: '/api/notifications/stream' }),
  },
};

/** The live token of a workspace's invite link, as its Super Admin `admin` sees it. */
async function linkToken(ctx: Ctx, wsId: string, admin: SignedUp): Promise<string> {
  const res = await ctx.app.request({
    method: 'GET',
    url: `/api/workspaces/${wsId}/invite-link`,
    cookie: admin.cookie,
  });
  if (res.statusCode !== 200) throw new Error(`invite link ${res.statusCode}: ${res.body}`);
  return res.json().token;
}

/** A verified account (no password) that is in no workspace. */
async function newUser(ctx: Ctx): Promise<string> {
  counter += 1;
  const id = `matrixjoiner${counter}`;
  const now = new Date();
  const sqlite = ctx.app.dialect === 'sqlite';
  await ctx.app.troupe.data.db
    .insertInto('user')
    .values({
      id,
      name: 'Would Join',
      email: `matrix-joiner-${counter}@example.com`,
      emailVerified: sqlite ? 1 : true,
      createdAt: sqlite ? now.toISOString() : now,
      updatedAt: sqlite ? now.toISOString() : now,
    } as never)
    .execute();
  return id;
}

/** A pending join request to the world's workspace, as the invite link makes it. */
async function newJoinRequest(ctx: Ctx, w: World): Promise<string> {
  const userId = await newUser(ctx);
  const now = ctx.app.clock.now();
  const id = `matrixrequest${counter}`;
  await ctx.app.troupe.data.db
    .insertInto('join_requests')
    .values({
      id,
      workspace_id: w.ws.id,
      user_id: userId,
      email: `matrix-joiner-${counter}@example.com`,
      name: 'Would Join',
      sort_key: 'would join',
      role: 'viewer',
      status: 'pending',
      decided_by: null,
      decided_at: null,
      created_at: now,
      expires_at: now + 86_400_000,
    })
    .execute();
  return id;
}

/** The person behind a principal (for invitations addressed to them). */
function ownerOf(ctx: Ctx, who: Principal): SignedUp | null {
  const map: Partial<Record<Principal, SignedUp>> = {
    sa: ctx.people.sa,
    dev: ctx.people.dev,
    creator: ctx.people.creator,
    viewer: ctx.people.viewer,
    removed: ctx.people.removed,
    'key:sa': ctx.people.sa,
    'key:dev': ctx.people.dev,
    'key:creator': ctx.people.dc,
    'key:viewer': ctx.people.dv,
    'key:foreign': ctx.people.foreign,
  };
  return map[who] ?? null;
}

const isSession = (who: Principal) => (SESSIONS as readonly Principal[]).includes(who);

function expected(outcome: Outcome, who: Principal): number | 'ok' {
  if ('public' in outcome) return isSession(who) ? (outcome.sessions ?? outcome.public) : outcome.public;
  if (outcome.ok.includes(who)) return outcome.okStatus ?? 'ok';
  if ((outcome.unauthenticated ?? NO_CREDENTIAL).includes(who)) return 401;
  if (outcome.forbidden?.includes(who)) return 403;
  return 404;
}

const MP4 = readFileSync(new URL('./fixtures/tiny.mp4', import.meta.url));
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n';

const codeOf: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };
const MISSING = 'zzzzzzzzzzzzzzzzzzzzzzzzzz';

describe.each(dialects)('the access matrix on %s', (dialect: DialectName) => {
  let ctx: Ctx;
  let webDist: string;

  beforeAll(async () => {
    webDist = mkdtempSync(join(tmpdir(), 'troupe-matrix-web-'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Troupe</title>');
    const app = await startTestApp(dialect, {
      webDist,
      env: { SIGN_IN_RATE_LIMIT: '1000', METRICS_TOKEN: 'matrix-metrics-token-0123456789' },
    });
    const names = ['sa', 'dev', 'creator', 'viewer', 'removed', 'foreign', 'dc', 'dv', 'host'] as const;
    const people = {} as Ctx['people'];
    for (const n of names) {
      people[n] = await signUp(app, { name: `Matrix ${n}` });
      await verifyEmail(app, people[n].userId);
    }
    const as = (who: Principal, world?: World): Record<string, string> => {
      if (who === 'anon') return {};
      if (who.startsWith('key:')) {
        const key = who === 'key:foreign' ? ctx.foreignKey : world?.keys[who];
        if (!key) throw new Error(`no key for ${who}`);
        return { authorization: `Bearer ${key}` };
      }
      return { cookie: people[who as keyof Ctx['people']].cookie, origin: ORIGIN };
    };
    // Each principal is its own client (a loopback address of its own), as people are: per-client
    // rate limits count each apart.
    const call = async (who: Principal, req: Request, world?: World, stream = false) => {
      const res = await app.troupe.server.inject({
        method: req.method as 'GET',
        url: req.url,
        remoteAddress: `127.0.1.${principals.indexOf(who) + 1}`,
        headers: {
          ...as(who, world),
          ...(req.raw ? { 'content-type': req.raw.contentType } : {}),
          ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(req.raw ? { payload: req.raw.payload } : {}),
        ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
        payloadAsStream: stream && req.method === 'GET',
      });
      if (!stream || req.method !== 'GET') return res;
      const body = res.statusCode < 300 ? '' : await text(res.stream());
      if (res.statusCode < 300) res.stream().destroy();
      return {
        statusCode: res.statusCode,
        headers: res.headers,
        body,
        json: () => JSON.parse(body),
      } as never;
    };
    const text = async (r: NodeJS.ReadableStream) => {
      let out = '';
      for await (const chunk of r) out += String(chunk);
      return out;
    };
    const created = async (res: LightMyRequestResponse) => {
      if (res.statusCode >= 300) throw new Error(`fixture failed ${res.statusCode}: ${res.body}`);
      return res.json();
    };
    // The foreign key: made by a Super Admin of every world, in a workspace of their own.
    const elsewhere = await createWorkspace(app, people.foreign.cookie, 'Elsewhere');
    const foreignKey = (
      await created(
        await app.request({
          method: 'POST',
          url: `/api/workspaces/${elsewhere.id}/api-keys`,
          cookie: people.foreign.cookie,
          body: { name: 'Elsewhere key' },
        }),
      )
    ).key as string;

    ctx = {
      app,
      people,
      foreignKey,
      call,
      async newWorld() {
        const ws = await createWorkspace(app, people.sa.cookie, `World ${++counter}`);
        await app.troupe.data.db
          .updateTable('workspaces')
          .set({ seat_limit: 1000 })
          .where('id', '=', ws.id)
          .execute();
        const roles: [keyof Ctx['people'], Role][] = [
          ['dev', 'developer'],
          ['creator', 'creator'],
          ['viewer', 'viewer'],
          ['foreign', 'super_admin'],
          ['dc', 'developer'],
          ['dv', 'developer'],
          ['removed', 'creator'],
        ];
        for (const [n, role] of roles) await addMember(app, ws.id, people[n], role);
        const keyOf = async (n: keyof Ctx['people']) =>
          (
            await created(
              await app.request({
                method: 'POST',
                url: `/api/workspaces/${ws.id}/api-keys`,
                cookie: people[n].cookie,
                body: { name: `${n} key` },
              }),
            )
          ).key as string;
        const keys: World['keys'] = {
          'key:sa': await keyOf('sa'),
          'key:dev': await keyOf('dev'),
          'key:creator': await keyOf('dc'),
          'key:viewer': await keyOf('dv'),
        };
        const admin = (method: string, url: string, body?: unknown) =>
          app.request({ method, url, cookie: people.sa.cookie, body });
        await created(
          await admin('PATCH', `/api/workspaces/${ws.id}/members/${people.dc.userId}`, { role: 'creator' }),
        );
        await created(
          await admin('PATCH', `/api/workspaces/${ws.id}/members/${people.dv.userId}`, { role: 'viewer' }),
        );
        const removed = await admin('DELETE', `/api/workspaces/${ws.id}/members/${people.removed.userId}`);
        expect(removed.statusCode).toBe(204);
        const world: World = { ws, keys, itemId: '' };
        world.itemId = await ctx.newItem(world);
        return world;
      },
      async newMember(world, role) {
        counter += 1;
        const id = `matrixuser${counter}`;
        const email = `matrix-member-${counter}@example.com`;
        const now = new Date();
        await app.troupe.data.db
          .insertInto('user')
          .values({
            id,
            name: 'Extra Member',
            email,
            emailVerified: dialect === 'sqlite' ? 1 : true,
            createdAt: dialect === 'sqlite' ? now.toISOString() : now,
            updatedAt: dialect === 'sqlite' ? now.toISOString() : now,
          } as never)
          .execute();
        await addMember(app, world.ws.id, { userId: id, email, name: 'Extra Member' }, role);
        return id;
      },
      async newInvitation(wsId, admin, email = uniqueEmail('fixture')) {
        const res = await app.request({
          method: 'POST',
          url: `/api/workspaces/${wsId}/invitations`,
          cookie: admin.cookie,
          body: { emails: [email], role: 'viewer' },
        });
        const body = await created(res);
        return { id: body.results[0].invitationId as string, token: await invitationToken(app, email) };
      },
      async newItem(world) {
        const item = await created(
          await app.request({
            method: 'POST',
            url: `/api/workspaces/${world.ws.id}/items`,
            cookie: people.creator.cookie,
            body: { kind: 'draft', title: 'Shared draft' },
          }),
        );
        await created(
          await app.request({
            method: 'PATCH',
            url: `/api/items/${item.id}/access`,
            cookie: people.creator.cookie,
            body: { generalAccess: 'workspace', workspacePermission: 'view' },
          }),
        );
        return item.id as string;
      },
      async video(world) {
        if (world.video) return world.video;
        const owner = (method: string, url: string, body?: unknown) =>
          app.request({ method, url, cookie: people.creator.cookie, body });
        const item = await created(
          await owner('POST', `/api/workspaces/${world.ws.id}/items`, {
            kind: 'video',
            title: 'Matrix film',
          }),
        );
        await created(
          await owner('PATCH', `/api/items/${item.id}/access`, {
            generalAccess: 'workspace',
            workspacePermission: 'view',
          }),
        );
        const file = await created(
          await app.troupe.server.inject({
            method: 'PUT',
            url: `/api/items/${item.id}/file`,
            headers: { cookie: people.creator.cookie, origin: ORIGIN, 'content-type': 'video/mp4' },
            payload: MP4,
          }),
        );
        await created(
          await app.troupe.server.inject({
            method: 'PUT',
            url: `/api/items/${item.id}/poster?fileId=${file.fileId}`,
            headers: { cookie: people.creator.cookie, origin: ORIGIN, 'content-type': 'image/jpeg' },
            payload: JPEG,
          }),
        );
        const track = await created(
          await owner('POST', `/api/items/${item.id}/captions`, {
            language: 'en',
            label: 'English',
            vtt: VTT,
          }),
        );
        const page = await created(
          await owner('PATCH', `/api/items/${item.id}/share-page`, { published: true }),
        );
        world.video = { id: item.id, fileId: file.fileId, trackId: track.id, slug: page.slug };
        return world.video;
      },
      async newTrack(world) {
        const video = await ctx.video(world);
        counter += 1;
        const track = await created(
          await app.request({
            method: 'POST',
            url: `/api/items/${video.id}/captions`,
            cookie: people.creator.cookie,
            body: { language: `en-x-m${counter}`, label: 'Extra', vtt: VTT },
          }),
        );
        return track.id as string;
      },
    };
  }, 120_000);

  afterAll(async () => {
    await ctx?.app.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('knows every registered route, and only those', () => {
    const registered = new Set(
      ctx.app.troupe.server.routeTable.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`),
    );
    const known = new Set(Object.keys(matrix));
    expect(
      [...registered].filter((r) => !known.has(r)),
      'routes without a matrix entry',
    ).toEqual([]);
    expect(
      [...known].filter((r) => !registered.has(r)),
      'matrix entries without a route',
    ).toEqual([]);
  });

  it("documents each route's credentials in the OpenAPI document as the matrix has them", async () => {
    const doc = (await ctx.app.request({ method: 'GET', url: '/api/openapi.json' })).json() as {
      security: unknown;
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    const keys = new Set<Principal>(['key:sa', 'key:dev', 'key:foreign']);
    const wrong: string[] = [];
    let checked = 0;
    for (const [route, entry] of Object.entries(matrix)) {
      const [method, url] = route.split(' ') as [string, string];
      const op = doc.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
      if (!op) continue; // Not in the document (pages, docs, the dev mailbox, hidden routes).
      checked += 1;
      const e = entry.expect;
      // No credential needed; a session only (API keys refused); either.
      const want =
        'public' in e
          ? []
          : e.ok.some((who) => keys.has(who))
            ? [{ session: [] }, { apiKey: [] }]
            : [{ session: [] }];
      const got = op.security ?? doc.security;
      if (JSON.stringify(got) !== JSON.stringify(want))
        wrong.push(`${route}: documented ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
    // Every documented operation was found (a path written otherwise would be skipped unchecked).
    expect(checked).toBe(
      Object.values(doc.paths).reduce(
        (n, ops) =>
          n + Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).length,
        0,
      ),
    );
  });

  it('answers every route for every principal as the matrix says', async () => {
    const failures: string[] = [];
    for (const [route, entry] of Object.entries(matrix)) {
      const [method] = route.split(' ') as [string];
      let world: World | null = null;
      for (const who of principals) {
        if (!world || entry.freshWorld) world = await ctx.newWorld();
        const req = await entry.request(ctx, world, who);
        const want = expected(entry.expect, who);
        const requests = method === 'GET' ? [req, { ...req, method: 'HEAD' }] : [req];
        for (const r of requests) {
          const res = await ctx.call(who, r, world, entry.stream);
          const got = res.statusCode;
          const okay = want === 'ok' ? got >= 200 && got < 300 : got === want;
          if (!okay) {
            failures.push(
              `${r.method} ${req.url} [${route}] as ${who}: want ${want}, got ${got} ${res.body.slice(0, 160)}`,
            );
            continue;
          }
          if (r.method === 'HEAD' || typeof want !== 'number' || !codeOf[want] || 'public' in entry.expect)
            continue;
          const body = res.json();
          if (body.code !== codeOf[want])
            failures.push(`${route} as ${who}: code ${body.code}, want ${codeOf[want]}`);
          if (want === 404) {
            // The same answer as for ids that exist nowhere.
            const absent = {
              ...r,
              url: r.url.replaceAll(world.ws.id, MISSING).replaceAll(world.itemId, MISSING),
            };
            if (absent.url === r.url) {
              const m = /\/api\/items\/([^/]+)/.exec(r.url);
              if (m?.[1]) absent.url = r.url.replace(m[1], MISSING);
            }
            const other = await ctx.call(who, absent, world, entry.stream);
            const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
            if (
              other.statusCode !== 404 ||
              JSON.stringify(strip(other.json())) !== JSON.stringify(strip(body))
            ) {
              failures.push(
                `${route} as ${who}: 404 differs from a missing id's: ${res.body} vs ${other.body}`,
              );
            }
          }
        }
        if (who !== 'anon' && !who.startsWith('key:') && route === 'POST /api/auth/sign-out') {
          // Signed out: sign in again for the rest of the matrix.
          const person = ctx.people[who as keyof Ctx['people']];
          const again = await ctx.app.request({
            method: 'POST',
            url: '/api/auth/sign-in/email',
            body: { email: person.email, password: 'correct horse battery' },
          });
          person.cookie = sessionCookie(again);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
