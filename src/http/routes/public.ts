/**
 * The public side of Share Pages (SPEC §6): `/v/:slug` (the page), `/embed/:slug` (the only page
 * that may be framed) and `/api/public/*` (their data, the file, poster and captions, the unlock).
 * No session and no API key here: a visitor is anonymous or holds the unlock cookie of one video,
 * and the gate (app/gate.ts `requirePublicVideo`) alone decides what they may read. Their CSP is
 * set here.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  getPublicPageMeta,
  getPublicVideo,
  openPublicCaption,
  openPublicFile,
  openPublicPoster,
  type PublicDeps,
  unlockPublicVideo,
} from '../../app/public/public-video.ts';
import { attachment } from '../../app/videos/present.ts';
import {
  PublicCaptionParams,
  PublicSlugParams,
  PublicVideo,
  UnlockBody,
} from '../../contract/share-pages.ts';
import { FileQuery } from '../../contract/videos.ts';
import { PUBLIC_NOT_FOUND } from '../../domain/credentials.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Storage } from '../../infra/storage.ts';
import type { UnlockSigner } from '../../infra/unlock-token.ts';
import type { Authenticator } from '../authenticate.ts';
import { NO_CREDENTIAL } from '../openapi-security.ts';
import { problem, sendProblem } from '../problem.ts';
import { clientOf, createMissLimit } from '../rate-limit.ts';
import { serveObject } from '../serve-object.ts';
import { UNLOCK_TTL_MS, unlockSetCookie } from '../unlock-cookie.ts';

/** Wrong passwords: this many attempts a minute per video and client (IPv6 by /64), then 429. */
export const UNLOCK_ATTEMPTS_PER_MINUTE = 10;

/**
 * Links that do not work (404; 401 from `/unlock`): this many a minute per client (IPv6 by /64)
 * over all the routes that take a slug, then every one of them answers 429 until the minute ends.
 */
export const SLUG_MISSES_PER_MINUTE = 60;

/** The public pages' policy: the app's, but framing only for /embed. */
function csp(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}
export const PAGE_CSP = csp("'none'");
export const EMBED_CSP = csp('*');

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** The built public-page script and styles, from Vite's manifest (re-read when the build changes). */
function publicAssets(webDist: string | null): { js: string | null; css: string[] } {
  if (!webDist) return { js: null, css: [] };
  const path = join(webDist, '.vite', 'manifest.json');
  try {
    const mtime = statSync(path).mtimeMs;
    if (cachedAssets && cachedAssets.mtime === mtime && cachedAssets.path === path)
      return cachedAssets.assets;
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<
      string,
      { file: string; css?: string[] }
    >;
    const entry = manifest['src/public/main.ts'];
    const assets = entry
      ? { js: `/${entry.file}`, css: (entry.css ?? []).map((c) => `/${c}`) }
      : { js: null, css: [] };
    cachedAssets = { path, mtime, assets };
    return assets;
  } catch {
    return { js: null, css: [] };
  }
}
let cachedAssets: { path: string; mtime: number; assets: { js: string | null; css: string[] } } | null = null;

export interface PublicRouteDeps extends PublicDeps {
  authn: Authenticator;
  storage: Storage;
  unlocks: UnlockSigner;
  publicUrl: string;
  webDist: string | null;
}

export function publicRoutes(app: FastifyInstance, deps: PublicRouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['public pages'];
  const secure = deps.publicUrl.startsWith('https://');
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

  // Guessing slugs: misses per client over every route here (http/rate-limit.ts).
  const slugMisses = createMissLimit(app, {
    name: 'slug-miss',
    max: SLUG_MISSES_PER_MINUTE,
    timeWindow: 60_000,
    refusal: 'Too many requests for links that do not exist',
  });

  // Checked before the password (so a burst cannot get past it), counted on every attempt.
  const unlockLimit = app.createRateLimit({
    max: UNLOCK_ATTEMPTS_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (req: FastifyRequest) => `unlock|${(req.params as { slug: string }).slug}|${clientOf(req)}`,
  });

  r.get(
    '/api/public/videos/:slug',
    {
      schema: {
        tags,
        security: NO_CREDENTIAL,
        summary: 'A public video page’s data: locked (password first) or the video, poster and captions',
        description: `No sign-in. 404 for a missing, unpublished or expired link. Counts a view when unlocked (a GET; never a HEAD). After ${SLUG_MISSES_PER_MINUTE} answers for links that do not work in a minute from one client, every public route answers it 429 until the minute ends.`,
        params: PublicSlugParams,
        response: { 200: PublicVideo },
      },
      ...slugMisses(),
    },
    async (req, reply) => {
      noStore(reply);
      return getPublicVideo(deps, deps.authn.visitorFor(req), req.params.slug, {
        countView: req.method === 'GET',
      });
    },
  );

  r.post(
    '/api/public/videos/:slug/unlock',
    {
      schema: {
        tags,
        security: NO_CREDENTIAL,
        summary: 'Unlock a password-protected video: sets a short-lived cookie for this video',
        description: `Wrong password: 401 \`invalid_password\` (whether or not the link exists). After ${UNLOCK_ATTEMPTS_PER_MINUTE} attempts in a minute for one video from one client (IPv6 by /64): 429 with Retry-After. Each 401 also counts toward the client's ${SLUG_MISSES_PER_MINUTE} a minute for links that do not work (see GET /api/public/videos/:slug).`,
        params: PublicSlugParams,
        body: UnlockBody,
        response: { 200: z.object({ unlocked: z.literal(true) }) },
      },
      // A 401 here is also what a link that does not exist answers.
      ...slugMisses(401),
    },
    async (req, reply) => {
      noStore(reply);
      const limit = await unlockLimit(req);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', String(limit.ttlInSeconds));
        return sendProblem(
          reply,
          problem('rate_limited', `Too many attempts; try again in ${limit.ttlInSeconds} s`),
        );
      }
      const unlock = await unlockPublicVideo(deps, req.params.slug, req.body.password);
      if (unlock) {
        const value = deps.unlocks.sign({ ...unlock, expiresAt: deps.clock.now() + UNLOCK_TTL_MS });
        reply.header('set-cookie', unlockSetCookie(unlock.itemId, value, secure));
      }
      return { unlocked: true as const };
    },
  );

  r.get(
    '/api/public/videos/:slug/file',
    {
      schema: {
        tags,
        security: NO_CREDENTIAL,
        summary: 'The public video file: Range, ETag, conditional requests; `download=1` when allowed',
        params: PublicSlugParams,
        querystring: FileQuery,
      },
      ...slugMisses(),
    },
    async (req, reply) => {
      const download = req.query.download === '1';
      const { file, title } = await openPublicFile(
        deps,
        deps.authn.visitorFor(req),
        req.params.slug,
        download,
      );
      const ext = file.contentType === 'video/webm' ? 'webm' : 'mp4';
      return serveObject(req, reply, {
        storage: deps.storage,
        key: file.storageKey,
        size: file.size,
        version: file.fileId,
        lastModified: file.createdAt,
        contentType: file.contentType,
        // Never kept: unpublishing must end the next request.
        cacheControl: 'no-store',
        disposition: download ? attachment(file.filename ?? `${title}.${ext}`) : 'inline',
        // A file storage lost answers as a link that does not work.
        missingDetail: PUBLIC_NOT_FOUND,
      });
    },
  );

  r.get(
    '/api/public/videos/:slug/poster',
    {
      schema: {
        tags,
        security: NO_CREDENTIAL,
        summary: 'The public video’s poster',
        params: PublicSlugParams,
      },
      ...slugMisses(),
    },
    async (req, reply) => {
      const file = await openPublicPoster(deps, deps.authn.visitorFor(req), req.params.slug);
      const stat = await deps.storage.stat(file.posterKey as string);
      if (!stat) throw new DomainError('not_found', 'This video has no poster');
      return serveObject(req, reply, {
        storage: deps.storage,
        key: file.posterKey as string,
        size: stat.size,
        version: (file.posterKey as string).split('/').pop() as string,
        lastModified: file.posterAt ?? file.createdAt,
        contentType: file.posterType as string,
        cacheControl: 'no-store',
      });
    },
  );

  r.get(
    '/api/public/videos/:slug/captions/:trackId',
    {
      schema: {
        tags,
        security: NO_CREDENTIAL,
        summary: 'A public caption track as text/vtt',
        params: PublicCaptionParams,
      },
      ...slugMisses(),
    },
    async (req, reply) => {
      const track = await openPublicCaption(
        deps,
        deps.authn.visitorFor(req),
        req.params.slug,
        req.params.trackId,
      );
      return reply.type('text/vtt; charset=utf-8').header('cache-control', 'no-store').send(track.vtt);
    },
  );

  const page =
    (mode: 'page' | 'embed') =>
    async (req: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) => {
      reply
        .header('content-security-policy', mode === 'embed' ? EMBED_CSP : PAGE_CSP)
        .header('x-robots-tag', 'noindex, nofollow')
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8');
      // The app forbids framing with X-Frame-Options too; only the embed may be framed.
      if (mode === 'embed') {
        reply.removeHeader('x-frame-options');
        // Chromium checks CORP on a framed document too: the embed is meant for other sites.
        reply.header('cross-origin-resource-policy', 'cross-origin');
      }
      const slug = req.params.slug;
      let meta: Awaited<ReturnType<typeof getPublicPageMeta>> | null = null;
      try {
        meta = await getPublicPageMeta(deps, deps.authn.visitorFor(req), slug);
      } catch (err) {
        if (!(err instanceof DomainError) || err.code !== 'not_found') throw err;
      }
      if (!meta) return reply.status(404).send(notAvailableHtml(mode));
      return reply.send(shellHtml(mode, slug, meta, deps.publicUrl, publicAssets(deps.webDist)));
    };
  const pageOptions = { schema: { hide: true, params: PublicSlugParams }, ...slugMisses() };
  r.get<{ Params: { slug: string } }>('/v/:slug', pageOptions, page('page'));
  r.get<{ Params: { slug: string } }>('/embed/:slug', pageOptions, page('embed'));
}

function shellHtml(
  mode: 'page' | 'embed',
  slug: string,
  meta: { title: string | null; hasPoster: boolean; width: number | null; height: number | null },
  publicUrl: string,
  assets: { js: string | null; css: string[] },
): string {
  const title = meta.title ?? 'Password-protected video';
  const url = `${publicUrl}/v/${slug}`;
  const og = [
    ['og:title', title],
    ['og:type', 'video.other'],
    ['og:url', url],
    ['og:site_name', 'Troupe'],
    ...(meta.hasPoster ? [['og:image', `${publicUrl}/api/public/videos/${slug}/poster`]] : []),
    ...(meta.hasPoster && meta.width && meta.height
      ? [
          ['og:image:width', String(meta.width)],
          ['og:image:height', String(meta.height)],
        ]
      : []),
  ]
    .map(([k, v]) => `<meta property="${k}" content="${escapeHtml(v as string)}">`)
    .join('\n    ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex, nofollow">
    <meta name="referrer" content="no-referrer">
    <title>${escapeHtml(title)} · Troupe</title>
    ${og}
    <meta name="twitter:card" content="${meta.hasPoster ? 'summary_large_image' : 'summary'}">
    <link rel="icon" type="image/svg+xml" href="/favicon.svg">
    ${assets.css.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n    ')}
    ${assets.js ? `<script type="module" src="${escapeHtml(assets.js)}"></script>` : ''}
  </head>
  <body class="troupe-public troupe-${mode}">
    <main id="troupe-public" data-slug="${escapeHtml(slug)}" data-mode="${mode}">
      <noscript><p>This video needs JavaScript to play.</p></noscript>
    </main>
  </body>
</html>
`;
}

function notAvailableHtml(mode: 'page' | 'embed'): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex, nofollow">
    <title>Video not available · Troupe</title>
  </head>
  <body class="troupe-public troupe-${mode}">
    <main><h1>This video is not available</h1><p>The link may be wrong, or the video is no longer shared. Ask whoever shared it.</p></main>
  </body>
</html>
`;
}
