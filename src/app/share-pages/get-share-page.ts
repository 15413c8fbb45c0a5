import type { SharePage } from '../../contract/share-pages.ts';
import type { Db } from '../../data/db.ts';
import { findSharePage } from '../../data/share-pages.repo.ts';
import { findVideoFile } from '../../data/videos.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { SlugSealer } from '../../infra/slug-sealer.ts';
import type { Actor } from '../actor.ts';
import { requireItem } from '../gate.ts';
import { presentSharePage } from './present.ts';

export interface SharePageDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  slugs: SlugSealer;
  /** Public views counted on this node and not yet written. */
  views: { pending(itemId: string): number };
}

export const onlyVideos = () => new DomainError('conflict', 'Only videos have a Share Page');

/** The video's Share Page settings (anyone who can view the video). */
export async function getSharePage(deps: SharePageDeps, actor: Actor, itemId: string): Promise<SharePage> {
  const { loaded } = await requireItem(deps.db, actor, 'item:view', itemId);
  const item = loaded.item;
  if (item.kind !== 'video') throw onlyVideos();
  const [page, file] = await Promise.all([
    findSharePage(deps.db, item.workspaceId, itemId),
    findVideoFile(deps.db, item.workspaceId, itemId),
  ]);
  return presentSharePage(
    { ...page, views: page.views + deps.views.pending(itemId) },
    {
      publicUrl: deps.publicUrl,
      hasVideo: file !== null,
      now: deps.clock.now(),
      slugs: deps.slugs,
    },
  );
}
