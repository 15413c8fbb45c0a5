import {
  MAX_POSTER_BYTES,
  posterContentTypes,
  rawVideoUploadTypes,
  videoContentTypes,
} from '../contract/videos.ts';

/**
 * What the OpenAPI document cannot learn from the routes' Zod schemas: the bodies that are not
 * JSON. The uploads read their bodies as streams or buffers (a content-type parser of their own, no
 * body schema), and the file, poster and caption downloads answer bytes, with the range and
 * conditional answers of `serve-object.ts`. A body schema on those routes would have Fastify
 * validate or serialize them, so the document is completed here instead (`transformObject` of
 * @fastify/swagger), operation by operation. An operation named here that the document does not
 * have makes the document fail to build (a route renamed without this file): test/http.test.ts
 * reads the document, so CI fails. Built on its first request, not at start (about 33 ms, for
 * every server and every test app).
 */

type Json = Record<string, unknown>;
interface OperationMedia {
  requestBody?: Json;
  responses?: Record<string, Json>;
}

const binary = { type: 'string', format: 'binary' };
const contentOf = (types: readonly string[], schema: Json = binary) =>
  Object.fromEntries(types.map((t) => [t, { schema }]));
const problemJson = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The answers of `serveObject`: the bytes, or not modified, or a failed precondition. */
const conditional = (types: readonly string[]): Record<string, Json> => ({
  200: {
    description: 'The bytes. `ETag` and `Last-Modified` for conditional requests.',
    content: contentOf(types),
  },
  304: { description: '`If-None-Match` / `If-Modified-Since` matched: not modified, no body.' },
  412: { description: '`If-Match` / `If-Unmodified-Since` did not hold.', content: problemJson },
});

/** `conditional`, and `Range` requests (one range, or several as multipart/byteranges). */
const ranged = (types: readonly string[]): Record<string, Json> => ({
  ...conditional(types),
  206: {
    description:
      'The requested range (`Content-Range`), or several ranges as `multipart/byteranges`. `If-Range` is honoured.',
    content: { ...contentOf(types), 'multipart/byteranges': { schema: binary } },
  },
  416: {
    description: 'The range starts beyond the end of the file (`Content-Range: bytes */<size>`).',
    content: problemJson,
  },
});

const vtt = {
  200: { description: 'The track as WebVTT.', content: { 'text/vtt': { schema: { type: 'string' } } } },
};

export const MEDIA_OPERATIONS: Record<string, OperationMedia> = {
  'put /api/items/{id}/file': {
    requestBody: {
      required: true,
      description:
        'The video file: the raw bytes (Content-Type video/mp4, video/webm or application/octet-stream; the name in `?filename=`), or multipart/form-data with one part `file`.',
      content: {
        ...contentOf(rawVideoUploadTypes),
        'multipart/form-data': {
          schema: { type: 'object', required: ['file'], properties: { file: binary } },
        },
      },
    },
  },
  'put /api/items/{id}/poster': {
    requestBody: {
      required: true,
      description: `The image of the frame, at most ${MAX_POSTER_BYTES} bytes.`,
      content: contentOf(posterContentTypes),
    },
  },
  'get /api/items/{id}/file': { responses: ranged(videoContentTypes) },
  'get /api/public/videos/{slug}/file': { responses: ranged(videoContentTypes) },
  'get /api/items/{id}/poster': { responses: ranged(posterContentTypes) },
  'get /api/public/videos/{slug}/poster': { responses: ranged(posterContentTypes) },
  'get /api/items/{id}/captions/{trackId}/vtt': { responses: vtt },
  'get /api/public/videos/{slug}/captions/{trackId}': { responses: vtt },
};

type Operation = { requestBody?: unknown; responses?: Record<string, unknown> };
/** The part of the generated document this file reads. */
export type OpenApiDoc = { paths?: Record<string, Record<string, Operation>> };

/** The document with `MEDIA_OPERATIONS` merged in: a request body set, each response replaced. */
export function withMediaTypes<D extends OpenApiDoc>(
  doc: D,
  operations: Record<string, OperationMedia> = MEDIA_OPERATIONS,
): D {
  for (const [name, media] of Object.entries(operations)) {
    const [method, path] = name.split(' ') as [string, string];
    const op = doc.paths?.[path]?.[method];
    if (!op) throw new Error(`openapi-media.ts: the document has no operation ${name}`);
    if (media.requestBody) op.requestBody = media.requestBody;
    if (media.responses) op.responses = { ...op.responses, ...media.responses };
  }
  return doc;
}
