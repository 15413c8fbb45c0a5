import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createItem } from '../../app/items/create-item.ts';
import { deleteItem } from '../../app/items/delete-item.ts';
import { getItemWithApiKey, getItemWithSession } from '../../app/items/get-item.ts';
import { getItemAccess } from '../../app/items/get-item-access.ts';
import { putGrant, removeGrant } from '../../app/items/grants.ts';
import { listItemsJson } from '../../app/items/list-items.ts';
import { listTrash } from '../../app/items/list-trash.ts';
import { restoreItem } from '../../app/items/restore-item.ts';
import { updateItem } from '../../app/items/update-item.ts';
import { updateItemAccess } from '../../app/items/update-item-access.ts';
import { PageCache } from '../../app/page-cache.ts';
import {
  CreateItemBody,
  DeleteItemQuery,
  GrantBody,
  GrantParams,
  Item,
  ItemAccess,
  ItemList,
  ItemParams,
  ItemsQuery,
  TrashList,
  TrashQuery,
  UpdateAccessBody,
  UpdateItemBody,
} from '../../contract/items.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Db, Dialect } from '../../data/db.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { Authenticator } from '../authenticate.ts';
import { sendJson } from '../send-json.ts';
import { bodyWriter } from '../serializer.ts';

export function itemRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    dialect: Dialect;
    clock: Clock;
    bus: NotificationBus;
    authn: Authenticator;
    storageChanged(): void;
    production: boolean;
    itemsPageCacheBytes: number;
    metrics: Metrics | null;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const pages = new PageCache(deps.itemsPageCacheBytes, deps.metrics?.itemsPageCache ?? null);
  deps.metrics?.itemsPageCache.size(() => pages.bytes());
  // The listing's serializer, the one Fastify would compile for the route (checked against zod
  // outside production): the use case keeps its JSON.
  const listDeps = {
    db: deps.db,
    pages,
    stringify: bodyWriter(ItemList, {
      method: 'GET',
      url: '/api/workspaces/:ws/items',
      verify: !deps.production,
    }),
  };
  const tags = ['library'];
  const sharing = ['sharing'];

  r.post(
    '/api/workspaces/:ws/items',
    {
      schema: {
        tags,
        summary: 'Create a folder, draft, video, avatar or voice (not Viewers); in a folder you can edit',
        params: WorkspaceParams,
        body: CreateItemBody,
        response: { 201: Item },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await createItem(deps, await deps.authn.workspaceActor(req, req.params.ws), req.body)),
  );

  r.get(
    '/api/workspaces/:ws/items',
    {
      schema: {
        tags,
        summary:
          'The items you can view: the root, a folder (`parentId`), shared with you (`view=shared`) or yours (`view=mine`)',
        description:
          'Each item carries your `permission` and `abilities`. Folders first, then by name (or newest first with `sort=date`).',
        params: WorkspaceParams,
        querystring: ItemsQuery,
        response: { 200: ItemList },
      },
    },
    async (req, reply) =>
      sendJson(
        reply,
        await listItemsJson(listDeps, await deps.authn.workspaceActor(req, req.params.ws), req.query),
      ),
  );

  r.get(
    '/api/items/:id',
    {
      schema: {
        tags,
        summary: 'One item with your permission; 404 if you cannot view it',
        params: ItemParams,
        response: { 200: Item },
      },
    },
    async (req) => {
      // The credential (session cookie or API key) is read with the item in one query.
      const c = deps.authn.credentials(req);
      return 'apiKeyHash' in c
        ? getItemWithApiKey(deps, deps.authn.keyActor, c.apiKeyHash, req.params.id)
        : getItemWithSession(deps, c.sessionToken, req.params.id);
    },
  );

  r.patch(
    '/api/items/:id',
    {
      schema: {
        tags,
        summary: 'Rename and/or move (edit access to the item and to the target folder)',
        params: ItemParams,
        body: UpdateItemBody,
        response: { 200: Item },
      },
    },
    async (req) => updateItem(deps, await deps.authn.actor(req), req.params.id, req.body),
  );

  r.delete(
    '/api/items/:id',
    {
      schema: {
        tags,
        summary:
          'Move to the trash (a folder with everything in it), or delete for good with `permanent=true`',
        description:
          'Needs edit access. A trashed item is gone to every read for 30 days, then deleted for good; `POST /api/items/:id/restore` brings it back. `permanent=true` deletes a trashed item (or a live one) at once.',
        params: ItemParams,
        querystring: DeleteItemQuery,
        response: { 204: z.null().describe('Moved to the trash, or deleted') },
      },
    },
    async (req, reply) => {
      await deleteItem(deps, await deps.authn.actor(req), req.params.id, {
        permanent: req.query.permanent === 'true',
      });
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/items/:id/restore',
    {
      schema: {
        tags,
        summary: 'Restore a deleted item (with everything deleted with it) from the trash',
        description:
          'Whoever could delete it may. It comes back where it was (at the library root when that folder is in the trash now), shared as it was. An item not in the trash is answered as it is.',
        params: ItemParams,
        response: { 200: Item },
      },
    },
    async (req) => restoreItem(deps, await deps.authn.actor(req), req.params.id),
  );

  r.get(
    '/api/workspaces/:ws/trash',
    {
      schema: {
        tags,
        summary: 'The deleted items you may restore, newest deletion first',
        description: 'Each stays 30 days (`purgeAt`, `daysLeft`), then the purge job deletes it for good.',
        params: WorkspaceParams,
        querystring: TrashQuery,
        response: { 200: TrashList },
      },
    },
    async (req) => listTrash(deps, await deps.authn.workspaceActor(req, req.params.ws), req.query),
  );

  r.get(
    '/api/items/:id/access',
    {
      schema: {
        tags: sharing,
        summary: 'Who has access and why',
        params: ItemParams,
        response: { 200: ItemAccess },
      },
    },
    async (req) => getItemAccess(deps, await deps.authn.actor(req), req.params.id),
  );

  r.patch(
    '/api/items/:id/access',
    {
      schema: {
        tags: sharing,
        summary: 'General access: only_me, selected or workspace (at view or edit)',
        params: ItemParams,
        body: UpdateAccessBody,
        response: { 200: ItemAccess },
      },
    },
    async (req) => updateItemAccess(deps, await deps.authn.actor(req), req.params.id, req.body),
  );

  r.put(
    '/api/items/:id/grants/:userId',
    {
      schema: {
        tags: sharing,
        summary: 'Share with a member at view or edit',
        params: GrantParams,
        body: GrantBody,
        response: { 200: ItemAccess },
      },
    },
    async (req) =>
      putGrant(deps, await deps.authn.actor(req), {
        itemId: req.params.id,
        userId: req.params.userId,
        permission: req.body.permission,
      }),
  );

  r.delete(
    '/api/items/:id/grants/:userId',
    {
      schema: {
        tags: sharing,
        summary: "Remove a member's grant",
        params: GrantParams,
        response: { 200: ItemAccess },
      },
    },
    async (req) =>
      removeGrant(deps, await deps.authn.actor(req), { itemId: req.params.id, userId: req.params.userId }),
  );
}
