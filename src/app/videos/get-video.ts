import type { VideoFile } from '../../contract/videos.ts';
import { findVideoFile, type VideoFileRecord } from '../../data/videos.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Actor } from '../actor.ts';
import { requireItem } from '../gate.ts';
import type { VideoDeps } from './deps.ts';
import { presentVideoFile } from './present.ts';

/** The video item's file, if one was uploaded (anyone who can view the item). */
export async function getVideo(
  deps: Pick<VideoDeps, 'db' | 'maxVideoBytes'>,
  actor: Actor,
  itemId: string,
): Promise<{ file: VideoFile | null; maxBytes: number }> {
  const { loaded } = await requireItem(deps.db, actor, 'item:view', itemId);
  if (loaded.item.kind !== 'video') throw new DomainError('conflict', 'Only video items hold a video file');
  const file = await findVideoFile(deps.db, loaded.item.workspaceId, itemId);
  return { file: file ? presentVideoFile(file) : null, maxBytes: deps.maxVideoBytes };
}

/** The stored file to stream to someone who can view the item: 404 when there is none yet. */
export async function openVideoFile(
  deps: Pick<VideoDeps, 'db'>,
  actor: Actor,
  itemId: string,
): Promise<VideoFileRecord> {
  const { loaded } = await requireItem(deps.db, actor, 'item:view', itemId, 'Video');
  const file =
    loaded.item.kind === 'video' ? await findVideoFile(deps.db, loaded.item.workspaceId, itemId) : null;
  if (!file) throw new DomainError('not_found', 'No video file has been uploaded yet');
  return file;
}
