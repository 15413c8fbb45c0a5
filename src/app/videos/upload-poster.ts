import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { MAX_POSTER_BYTES, posterContentTypes, type VideoFile } from '../../contract/videos.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { findVideoFile, guardUpload, releaseGuard, setPoster } from '../../data/videos.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';
import type { VideoDeps } from './deps.ts';
import { presentVideoFile } from './present.ts';
import { requireEditableVideo, UPLOAD_GUARD_MS } from './upload-video.ts';

/**
 * The poster frame of the item's current file (captured by the browser at upload): a JPEG, PNG or
 * WebP, read from its bytes, at most 2 MiB. `fileId` names the file it was taken from: a poster for
 * a file that has been replaced meanwhile is refused (409). No body (or an empty one) is 400 naming
 * `body`.
 */
export async function uploadPoster(
  deps: VideoDeps,
  actor: Actor,
  itemId: string,
  input: { fileId: string; image: Buffer | null },
): Promise<VideoFile> {
  const item = await requireEditableVideo(deps, actor, itemId);
  const image = input.image;
  if (!image || image.length === 0) {
    throw new DomainError('validation', 'body: send the poster image as the body (JPEG, PNG or WebP)', [
      { path: 'body', message: 'Empty' },
    ]);
  }
  if (image.length > MAX_POSTER_BYTES) {
    throw new DomainError('payload_too_large', `The poster is larger than ${MAX_POSTER_BYTES} bytes`);
  }
  const type = await fileTypeFromBuffer(image);
  if (!type || !(posterContentTypes as readonly string[]).includes(type.mime)) {
    throw new DomainError(
      'unsupported_media_type',
      `The poster is ${type ? type.mime : 'not an image we recognise'}, not a JPEG, PNG or WebP image`,
    );
  }
  const current = await findVideoFile(deps.db, item.workspaceId, item.id);
  if (!current || current.fileId !== input.fileId) {
    throw new DomainError('conflict', 'The video was replaced: capture the poster of the new one');
  }
  const now = deps.clock.now();
  const key = `videos/${item.id}/poster-${newId(now)}`;
  await guardUpload(deps.db, key, now + UPLOAD_GUARD_MS);
  let adopted = false;
  try {
    await deps.storage.put(key, Readable.from([image]));
    const file = await inTransaction(deps.db, async (tx) => {
      await requireItem(tx, actor, 'item:edit', itemId);
      const set = await setPoster(tx, item.workspaceId, item.id, input.fileId, { key, type: type.mime }, now);
      if (!set)
        throw new DomainError('conflict', 'The video was replaced: capture the poster of the new one');
      await releaseGuard(tx, key);
      await insertAuditEvents(
        tx,
        [
          {
            workspaceId: item.workspaceId,
            actor: actorRef(actor),
            action: 'video.poster',
            target: { type: 'item', id: item.id, label: item.title },
          },
        ],
        now,
      );
      return findVideoFile(tx, item.workspaceId, item.id);
    });
    adopted = true;
    deps.storageChanged();
    if (!file) throw new Error('video file vanished');
    return presentVideoFile(file);
  } finally {
    if (!adopted) {
      await deps.storage.delete(key).catch(() => {});
      await releaseGuard(deps.db, key).catch(() => {});
    }
  }
}

/** The poster to send to someone who can view the item. */
export async function openPoster(deps: Pick<VideoDeps, 'db'>, actor: Actor, itemId: string) {
  const { loaded } = await requireItem(deps.db, actor, 'item:view', itemId, 'Video');
  const file = await findVideoFile(deps.db, loaded.item.workspaceId, itemId);
  if (!file?.posterKey || !file.posterType) throw new DomainError('not_found', 'This video has no poster');
  return {
    key: file.posterKey,
    type: file.posterType,
    version: file.posterKey.split('-').pop() as string,
    at: file.posterAt ?? file.createdAt,
  };
}
