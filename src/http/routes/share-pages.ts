import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createCaptionTrack,
  deleteCaptionTrack,
  listCaptionTracks,
  openCaptionTrack,
  updateCaptionTrack,
} from '../../app/captions/captions.ts';
import { getSharePage, type SharePageDeps } from '../../app/share-pages/get-share-page.ts';
import { updateSharePage } from '../../app/share-pages/update-share-page.ts';
import { CaptionParams, CaptionTrack, CaptionTrackBody, CaptionTrackList } from '../../contract/captions.ts';
import { ItemParams } from '../../contract/items.ts';
import { SharePage, UpdateSharePageBody } from '../../contract/share-pages.ts';
import type { Dialect } from '../../data/db.ts';
import type { Authenticator } from '../authenticate.ts';

/** Caption bodies carry whole WebVTT files: up to 1 MiB here (JSON elsewhere stays at 256 KiB). */
const CAPTION_BODY_LIMIT = 1024 * 1024;

export function sharePageRoutes(
  app: FastifyInstance,
  deps: SharePageDeps & { authn: Authenticator; dialect: Dialect },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['share pages'];

  r.get(
    '/api/items/:id/share-page',
    {
      schema: {
        tags,
        summary: 'The video’s Share Page: published, public URL, password, downloads, expiry, views',
        params: ItemParams,
        response: { 200: SharePage },
      },
    },
    async (req) => getSharePage(deps, await deps.authn.actor(req), req.params.id),
  );

  r.patch(
    '/api/items/:id/share-page',
    {
      schema: {
        tags,
        summary: 'Publish or unpublish, set/change/remove the password, downloads, expiry (share access)',
        description:
          'Publishing makes a new public URL `/v/:slug` (128 random bits); unpublishing ends it at once. ' +
          'A new or removed password ends every earlier unlock.',
        params: ItemParams,
        body: UpdateSharePageBody,
        response: { 200: SharePage },
      },
    },
    async (req) => updateSharePage(deps, await deps.authn.actor(req), req.params.id, req.body),
  );

  r.get(
    '/api/items/:id/captions',
    {
      schema: {
        tags,
        summary: 'The video’s caption tracks',
        params: ItemParams,
        response: { 200: CaptionTrackList },
      },
    },
    async (req) => listCaptionTracks(deps, await deps.authn.actor(req), req.params.id),
  );

  r.post(
    '/api/items/:id/captions',
    {
      bodyLimit: CAPTION_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add a caption track in a language (WebVTT; invalid text is 400 naming the line)',
        params: ItemParams,
        body: CaptionTrackBody,
        response: { 201: CaptionTrack },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await createCaptionTrack(deps, await deps.authn.actor(req), req.params.id, req.body)),
  );

  r.put(
    '/api/items/:id/captions/:trackId',
    {
      bodyLimit: CAPTION_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Replace a caption track’s language, label and text',
        params: CaptionParams,
        body: CaptionTrackBody,
        response: { 200: CaptionTrack },
      },
    },
    async (req) =>
      updateCaptionTrack(deps, await deps.authn.actor(req), req.params.id, req.params.trackId, req.body),
  );

  r.delete(
    '/api/items/:id/captions/:trackId',
    {
      schema: {
        tags,
        summary: 'Delete a caption track',
        params: CaptionParams,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (req, reply) => {
      await deleteCaptionTrack(deps, await deps.authn.actor(req), req.params.id, req.params.trackId);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/items/:id/captions/:trackId/vtt',
    { schema: { tags, summary: 'A caption track as text/vtt (for a <track>)', params: CaptionParams } },
    async (req, reply) => {
      const track = await openCaptionTrack(
        deps,
        await deps.authn.actor(req),
        req.params.id,
        req.params.trackId,
      );
      return reply
        .type('text/vtt; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .send(track.vtt);
    },
  );
}
