import type { SharePage } from '../../contract/share-pages.ts';
import { isoTimeOrNull } from '../../contract/time.ts';
import type { SharePageRecord } from '../../data/share-pages.repo.ts';
import type { SlugSealer } from '../../infra/slug-sealer.ts';

export function presentSharePage(
  p: SharePageRecord,
  ctx: { publicUrl: string; hasVideo: boolean; now: number; slugs: SlugSealer },
): SharePage {
  const slug = p.slugSealed === null ? null : ctx.slugs.open(p.slugSealed);
  const published = slug !== null;
  return {
    itemId: p.itemId,
    published,
    slug,
    url: published ? `${ctx.publicUrl}/v/${slug}` : null,
    embedUrl: published ? `${ctx.publicUrl}/embed/${slug}` : null,
    publishedAt: isoTimeOrNull(p.publishedAt),
    hasPassword: p.passwordHash !== null,
    allowDownload: p.allowDownload,
    expiresAt: isoTimeOrNull(p.expiresAt),
    expired: published && p.expiresAt !== null && p.expiresAt <= ctx.now,
    views: p.views,
    hasVideo: ctx.hasVideo,
  };
}
