import type { SharePage } from '../../contract/share-pages.ts';
import type { SharePageRecord } from '../../data/share-pages.repo.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function presentSharePage(
  p: SharePageRecord,
  ctx: { publicUrl: string; hasVideo: boolean; now: number },
): SharePage {
  const published = p.slug !== null;
  return {
    itemId: p.itemId,
    published,
    slug: p.slug,
    url: published ? `${ctx.publicUrl}/v/${p.slug}` : null,
    embedUrl: published ? `${ctx.publicUrl}/embed/${p.slug}` : null,
    publishedAt: iso(p.publishedAt),
    hasPassword: p.passwordHash !== null,
    allowDownload: p.allowDownload,
    expiresAt: iso(p.expiresAt),
    expired: published && p.expiresAt !== null && p.expiresAt <= ctx.now,
    views: p.views,
    hasVideo: ctx.hasVideo,
  };
}
