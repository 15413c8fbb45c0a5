import type { SharePage } from '../../contract/share-pages.ts';
import { isoTimeOrNull } from '../../contract/time.ts';
import type { SharePageRecord } from '../../data/share-pages.repo.ts';
import type { SlugSealer } from '../../infra/slug-sealer.ts';

/**
 * The page's public slug while it is a working link: published, its sealed slug opens under this
 * AUTH_SECRET and still finds the page. Null when unpublished, and for a lost link (sealed and
 * hashed under another AUTH_SECRET, e.g. a backup restored with a different one): nobody can
 * reach the page by it any more, so it is shown as not published and publishing makes a new one.
 */
export function liveSlug(
  p: Pick<SharePageRecord, 'slugHash' | 'slugSealed'>,
  slugs: SlugSealer,
): string | null {
  if (p.slugHash === null || p.slugSealed === null) return null;
  const slug = slugs.open(p.slugSealed);
  return slug !== null && slugs.lookup(slug) === p.slugHash ? slug : null;
}

export function presentSharePage(
  p: SharePageRecord,
  ctx: { publicUrl: string; hasVideo: boolean; now: number; slugs: SlugSealer },
): SharePage {
  const slug = liveSlug(p, ctx.slugs);
  // A lost link looks like no link: the contract's unpublished page (no slug, URL or date).
  const published = slug !== null;
  return {
    itemId: p.itemId,
    published,
    slug,
    url: published ? `${ctx.publicUrl}/v/${slug}` : null,
    embedUrl: published ? `${ctx.publicUrl}/embed/${slug}` : null,
    publishedAt: published ? isoTimeOrNull(p.publishedAt) : null,
    hasPassword: p.passwordHash !== null,
    allowDownload: p.allowDownload,
    expiresAt: isoTimeOrNull(p.expiresAt),
    expired: published && p.expiresAt !== null && p.expiresAt <= ctx.now,
    views: p.views,
    hasVideo: ctx.hasVideo,
  };
}
