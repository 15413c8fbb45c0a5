import { PassThrough, Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VideoDeps } from '../../app/videos/deps.ts';
import { getVideo, openVideoFile } from '../../app/videos/get-video.ts';
import { attachment } from '../../app/videos/present.ts';
import { openPoster, uploadPoster } from '../../app/videos/upload-poster.ts';
import { tooLarge, uploadVideo } from '../../app/videos/upload-video.ts';
import { Id } from '../../contract/common.ts';
import { ItemParams } from '../../contract/items.ts';
import { Text } from '../../contract/text.ts';
import {
  FileQuery,
  MAX_POSTER_BYTES,
  posterContentTypes,
  rawVideoUploadTypes,
  VideoFile,
  VideoFileResponse,
} from '../../contract/videos.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Authenticator } from '../authenticate.ts';
import { serveObject } from '../serve-object.ts';

/** Raw upload bodies: the two video types, and bytes of unstated type (the type is read from them). */

const interrupted = () =>
  new DomainError('validation', 'The upload stopped before the end', [
    { path: 'body', message: 'The connection closed mid-upload' },
  ]);

/** A multipart body the parser cannot read (no boundary, garbage, a part never closed). */
const malformedMultipart = (path: 'body' | 'file', reason: string) =>
  new DomainError('validation', `${path}: not a well-formed multipart/form-data body (${reason})`, [
    { path, message: `Malformed multipart body: ${reason}` },
  ]);

/**
 * A failure of a body the use case never read (it refused the upload first) has nobody to hear it,
 * and an unheard 'error' would end the process: it is dropped here. Whoever does read the stream
 * (a pipeline) hears its errors as ever.
 */
const unheard = (s: Readable) => s.on('error', () => {});

/**
 * The request body as a stream of its own: a failure downstream (over the size limit) destroys
 * this stream, not the connection, so the 413 can still be sent; a client that goes away mid-upload
 * fails it, and so does a failure of the source (`failure` says as what). The source may have
 * failed or closed already (a multipart part the parser has parsed).
 */
function detach(
  src: Readable,
  failure: (err: Error) => Error = () => interrupted(),
  /** Failed before it was handed over, for a reason that outranks the source's own state. */
  already?: Error,
): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  unheard(out);
  const failed = (err: Error) => out.destroy(failure(err));
  const closed = () => {
    if (!src.readableEnded) out.destroy(interrupted());
  };
  if (already) out.destroy(already);
  else if (src.errored) failed(src.errored);
  else if (src.destroyed) closed();
  src.once('error', failed);
  src.once('close', closed);
  src.pipe(out);
  return out;
}

/**
 * The multipart part's file, detached as a raw body is: the parser's errors (a part that never
 * closes, a body cut off) fail it as 400 naming `file`; a file cut at the parser's `fileSize` (it
 * truncates quietly, `truncated`) fails it as 413, so a file over the limit is never stored cut
 * short; a failure downstream (415, the storage) stops the parser too.
 */
function detachPart(file: Readable & { truncated?: boolean }, maxBytes: number): Readable {
  // The parser may have met the limit already (it parses what has arrived before the part is
  // handed over): truncated then, and 'limit' is gone.
  const out = detach(
    file,
    (err) => malformedMultipart('file', err.message),
    file.truncated ? tooLarge(maxBytes) : undefined,
  );
  const cut = () => out.destroy(tooLarge(maxBytes));
  file.once('limit', cut);
  file.once('end', () => {
    if (file.truncated) cut();
  });
  out.once('close', () => {
    if (!file.readableEnded) file.destroy();
  });
  return out;
}

/** The first part of a multipart body; the parser's own errors are 400 naming the body. */
async function firstPart(req: FastifyRequest) {
  try {
    return await req.file();
  } catch (err) {
    // The plugin's limits (413: too many files or parts) keep their status.
    if (err instanceof DomainError || (err as { statusCode?: number }).statusCode === 413) throw err;
    throw malformedMultipart('body', err instanceof Error ? err.message : String(err));
  }
}

/**
 * Aborted when the client goes away before it has its answer (the response closes unfinished):
 * the use case then never adopts the file.
 */
function clientGone(reply: FastifyReply): AbortSignal {
  const ac = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) ac.abort(interrupted());
  };
  if (res.destroyed) ac.abort(interrupted());
  else res.once('close', onClose);
  return ac.signal;
}

const contentLength = (req: FastifyRequest): number | null => {
  const v = req.headers['content-length'];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
};

/** A refused upload: the rest of the body is not read; the connection closes after the answer. */
const closeAfterError = async (_req: FastifyRequest, reply: { header(k: string, v: string): unknown }) => {
  reply.header('connection', 'close');
};

export async function videoRoutes(
  app: FastifyInstance,
  deps: VideoDeps & { authn: Authenticator },
): Promise<void> {
  const tags = ['videos'];

  // Uploads: raw video bodies and multipart, parsed as streams, in this scope only (everything else
  // keeps the 256 KiB JSON limit).
  await app.register(async (scope) => {
    scope.addContentTypeParser([...rawVideoUploadTypes], (_req, payload, done) => done(null, payload));
    await scope.register(multipart, {
      limits: { files: 1, parts: 2, fields: 1, fileSize: deps.maxVideoBytes, headerPairs: 100 },
      throwFileSizeLimit: true,
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.put(
      '/api/items/:id/file',
      {
        schema: {
          tags,
          summary:
            'Upload the video file (MP4 or WebM): the raw body, or multipart/form-data with a part `file`',
          description:
            'Streamed to storage. The type is read from the bytes (a renamed PNG is 415); the container is ' +
            'parsed for duration and size (a truncated or corrupt file is 415 naming why); over MAX_VIDEO_BYTES ' +
            'is 413. Replaces the earlier file and its poster. Needs edit access.',
          params: ItemParams,
          querystring: z.object({
            filename: Text.max(255).optional().describe('The file name, for a raw body'),
          }),
          response: { 200: VideoFile },
        },
        onError: closeAfterError,
      },
      async (req, reply) => {
        // Before anything is read: a client that goes away from here on never gets a file adopted.
        const signal = clientGone(reply);
        const actor = await deps.authn.actor(req);
        let body: Readable;
        let filename: string | null = req.query.filename ?? null;
        let declared: number | null = null;
        if (req.isMultipart()) {
          const part = await firstPart(req);
          if (part?.type !== 'file' || part.fieldname !== 'file') {
            throw new DomainError('validation', 'Send the video in a multipart part named "file"', [
              { path: 'file', message: 'Required' },
            ]);
          }
          body = detachPart(part.file, deps.maxVideoBytes);
          filename = part.filename || filename;
          // The whole request is at most the file plus the multipart framing.
          const total = contentLength(req);
          if (total !== null && total > deps.maxVideoBytes + 64 * 1024) declared = total;
        } else {
          // No body at all (Content-Length: 0) reaches no parser.
          if (!(req.body instanceof Readable)) {
            throw new DomainError('validation', 'The upload is empty', [{ path: 'body', message: 'Empty' }]);
          }
          body = detach(req.body);
          declared = contentLength(req);
        }
        const file = await uploadVideo(deps, actor, req.params.id, {
          body,
          declaredLength: declared,
          filename,
          signal,
        });
        return reply.status(200).send(file);
      },
    );
  });

  // Posters: small images, read whole (at most 2 MiB), in a scope of their own.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      posterContentTypes as unknown as string[],
      { parseAs: 'buffer', bodyLimit: MAX_POSTER_BYTES },
      (_req, payload, done) => done(null, payload),
    );
    scope.withTypeProvider<ZodTypeProvider>().put(
      '/api/items/:id/poster',
      {
        schema: {
          tags,
          summary: 'Set the poster frame of the current file (JPEG, PNG or WebP, at most 2 MiB)',
          params: ItemParams,
          querystring: z.object({
            fileId: Id.describe('The file the frame was taken from'),
          }),
          response: { 200: VideoFile },
        },
      },
      async (req) =>
        uploadPoster(deps, await deps.authn.actor(req), req.params.id, {
          fileId: req.query.fileId,
          // No body (and so no Content-Type) reaches no parser.
          image: Buffer.isBuffer(req.body) ? req.body : null,
        }),
    );
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/items/:id/video',
    {
      schema: {
        tags,
        summary: 'The video file’s facts (null before an upload)',
        params: ItemParams,
        response: { 200: VideoFileResponse },
      },
    },
    async (req) => getVideo(deps, await deps.authn.actor(req), req.params.id),
  );

  r.get(
    '/api/items/:id/file',
    {
      schema: {
        tags,
        summary: 'Play or download the video file: supports Range (206/416), ETag and conditional requests',
        params: ItemParams,
        querystring: FileQuery,
      },
    },
    async (req, reply) => {
      const file = await openVideoFile(deps, await deps.authn.actor(req), req.params.id);
      const ext = file.contentType === 'video/webm' ? 'webm' : 'mp4';
      return serveObject(req, reply, {
        storage: deps.storage,
        key: file.storageKey,
        size: file.size,
        version: file.fileId,
        lastModified: file.createdAt,
        contentType: file.contentType,
        // Revalidated on every use: access that ends, ends for the next request.
        cacheControl: 'private, no-cache',
        disposition: req.query.download === '1' ? attachment(file.filename ?? `video.${ext}`) : 'inline',
      });
    },
  );

  r.get(
    '/api/items/:id/poster',
    {
      schema: { tags, summary: 'The poster frame', params: ItemParams },
    },
    async (req, reply) => {
      const poster = await openPoster(deps, await deps.authn.actor(req), req.params.id);
      const stat = await deps.storage.stat(poster.key);
      if (!stat) throw new DomainError('not_found', 'This video has no poster');
      return serveObject(req, reply, {
        storage: deps.storage,
        key: poster.key,
        size: stat.size,
        version: poster.version,
        lastModified: poster.at,
        contentType: poster.type,
        cacheControl: 'private, no-cache',
      });
    },
  );
}
