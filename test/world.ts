/**
 * A realistic workspace to throw bad input at: a Super Admin with a session, a Creator, a folder
 * with a draft in it, an API key, a pending invitation, and an outsider's workspace and item (ids
 * that exist but that the admin may not see).
 */
import {
  createWorkspace,
  invitationToken,
  invite,
  joinAs,
  type SignedUp,
  signUp,
  type TestApp,
  uniqueEmail,
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

async function ok<T>(res: Promise<{ statusCode: number; body: string; json(): unknown }>, what: string) {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`${what} failed ${r.statusCode}: ${r.body}`);
  return r.json() as T;
}

export async function createItem(
  app: TestApp,
  cookie: string,
  wsId: string,
  body: { kind: string; title: string; parentId?: string },
): Promise<{ id: string }> {
  return ok(
    app.request({ method: 'POST', url: `/api/workspaces/${wsId}/items`, cookie, body }),
    'create item',
  );
}

export async function createApiKey(
  app: TestApp,
  cookie: string,
  wsId: string,
  name = 'CI',
): Promise<{ id: string; key: string }> {
  return ok(
    app.request({ method: 'POST', url: `/api/workspaces/${wsId}/api-keys`, cookie, body: { name } }),
    'create API key',
  );
}

export async function createInvitation(
  app: TestApp,
  cookie: string,
  wsId: string,
): Promise<{ id: string; token: string; email: string }> {
  const email = uniqueEmail('invitee');
  const res = await ok<{ results: Array<{ invitationId: string }> }>(
    invite(app, cookie, wsId, [email], 'viewer'),
    'invite',
  );
  const id = res.results[0]?.invitationId as string;
  return { id, token: await invitationToken(app, email), email };
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
      return world.invitation.token;
    case 'id':
      return path.startsWith('/api/items/') ? world.draft.id : world.invitation.id;
    default:
      throw new Error(`no value for path parameter ${name} of ${path}`);
  }
}
