/**
 * A realistic workspace to throw bad input at: a Super Admin with a session, a Creator, a folder
 * with a draft in it, an API key, a pending invitation, and an outsider's workspace and item (ids
 * that exist but that the admin may not see).
 */
import type { Role } from '../src/contract/roles.ts';
import {
  createWorkspace,
  ORIGIN,
  type SignedUp,
  signUp,
  type TestApp,
  uniqueEmail,
  verifyEmail,
} from './harness.ts';

export interface World {
  app: TestApp;
  admin: SignedUp;
  ws: { id: string; name: string };
  creator: SignedUp;
  folder: { id: string };
  draft: { id: string };
  apiKey: { id: string; key: string };
  invitation: { id: string; token: string; email: string };
  outsider: SignedUp;
  outsiderWs: { id: string };
  outsiderItem: { id: string };
}

let client = 0;
/**
 * A request from a client address of its own, so that building worlds again and again (the fuzz
 * test does) never runs into the per-client rate limits on invitations.
 */
async function ok<T>(
  app: TestApp,
  o: { method: string; url: string; cookie: string; body: unknown },
  what: string,
): Promise<T> {
  client++;
  const r = await app.troupe.server.inject({
    method: o.method as 'POST',
    url: o.url,
    headers: { origin: ORIGIN, cookie: o.cookie, 'content-type': 'application/json' },
    payload: JSON.stringify(o.body),
    remoteAddress: `10.9.${(client >> 8) & 255}.${client & 255}`,
  });
  if (r.statusCode >= 300) throw new Error(`${what} failed ${r.statusCode}: ${r.body}`);
  return r.json() as T;
}

export function createItem(
  app: TestApp,
  cookie: string,
  wsId: string,
  body: { kind: string; title: string; parentId?: string },
): Promise<{ id: string }> {
  return ok(app, { method: 'POST', url: `/api/workspaces/${wsId}/items`, cookie, body }, 'create item');
}

export function createApiKey(
  app: TestApp,
  cookie: string,
  wsId: string,
  name = 'CI',
): Promise<{ id: string; key: string }> {
  const url = `/api/workspaces/${wsId}/api-keys`;
  return ok(app, { method: 'POST', url, cookie, body: { name } }, 'create API key');
}

async function inviteOne(app: TestApp, cookie: string, wsId: string, email: string, role: Role) {
  const url = `/api/workspaces/${wsId}/invitations`;
  const res = await ok<{ results: Array<{ invitationId: string }> }>(
    app,
    { method: 'POST', url, cookie, body: { emails: [email], role } },
    'invite',
  );
  return res.results[0]?.invitationId as string;
}

/**
 * The token in the newest mail to `email` (by address only: unlike harness.invitationToken, this
 * still works when an inviter's name holds characters a LIKE on the subject would trip over).
 */
async function tokenMailedTo(app: TestApp, email: string): Promise<string> {
  const mail = await app.troupe.data.db
    .selectFrom('mail_outbox')
    .select(['text_body'])
    .where('to_address', '=', email)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const token = mail?.text_body.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no invitation mail to ${email}`);
  return token;
}

/** A pending invitation of a new address, as a Viewer. */
export async function createInvitation(
  app: TestApp,
  cookie: string,
  wsId: string,
): Promise<{ id: string; token: string; email: string }> {
  const email = uniqueEmail('invitee');
  const id = await inviteOne(app, cookie, wsId, email, 'viewer');
  return { id, token: await tokenMailedTo(app, email), email };
}

/** A verified user who accepted an invitation to the workspace with `role`. */
async function joinAs(app: TestApp, adminCookie: string, wsId: string, role: Role, name: string) {
  const user = await signUp(app, { name });
  await verifyEmail(app, user.userId);
  await inviteOne(app, adminCookie, wsId, user.email, role);
  const token = await tokenMailedTo(app, user.email);
  const url = `/api/invitations/${token}/accept`;
  await ok(app, { method: 'POST', url, cookie: user.cookie, body: {} }, 'accept');
  return user;
}

export async function buildWorld(app: TestApp): Promise<World> {
  const admin = await signUp(app, { name: 'Ada Admin' });
  const ws = await createWorkspace(app, admin.cookie, 'Studio');
  const creator = await joinAs(app, admin.cookie, ws.id, 'creator', 'Cleo Creator');
  const folder = await createItem(app, admin.cookie, ws.id, { kind: 'folder', title: 'Footage' });
  const draft = await createItem(app, admin.cookie, ws.id, {
    kind: 'draft',
    title: 'Cut 1',
    parentId: folder.id,
  });
  const apiKey = await createApiKey(app, admin.cookie, ws.id);
  const invitation = await createInvitation(app, admin.cookie, ws.id);
  const outsider = await signUp(app, { name: 'Olga Outsider' });
  const outsiderWs = await createWorkspace(app, outsider.cookie, 'Elsewhere');
  const outsiderItem = await createItem(app, outsider.cookie, outsiderWs.id, {
    kind: 'video',
    title: 'Secret',
  });
  return { app, admin, ws, creator, folder, draft, apiKey, invitation, outsider, outsiderWs, outsiderItem };
}

/** The value of path parameter `name` of `path` (an OpenAPI path) in this world. */
export function pathParam(world: World, path: string, name: string): string {
  switch (name) {
    case 'ws':
      return world.ws.id;
    case 'userId':
      return world.creator.userId;
    case 'keyId':
      return world.apiKey.id;
    case 'token':
    case 'linkToken':
      return world.invitation.token;
    case 'id':
      return path.startsWith('/api/items/') ? world.draft.id : world.invitation.id;
    // The world has no video: a caption track or a public link that does not exist (refused
    // input is refused before any lookup).
    case 'trackId':
      return 'nosuchtrack';
    case 'slug':
      return 'nosuchlink';
    // A session of nobody's (refused input is refused before any lookup).
    case 'sessionId':
      return 'nosuchsession';
    default:
      throw new Error(`no value for path parameter ${name} of ${path}`);
  }
}
