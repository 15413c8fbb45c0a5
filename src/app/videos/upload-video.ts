import type { Readable } from 'node:stream';
import type { VideoFile } from '../../contract/videos.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { findVideoFile, guardUpload, releaseGuard, upsertVideoFile } from '../../data/videos.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import { probeVideo, SNIFF_BYTES, sniffVideo } from '../../infra/media-probe.ts';
import { readBytes, StorageLimitError } from '../../infra/storage.ts';
import { peekHead } from '../../infra/streams.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';
import type { VideoDeps } from './deps.ts';
import { cleanFilename, presentVideoFile } from './present.ts';

/** An upload's object is removed by the sweeper this long after it started, unless adopted. */
export const UPLOAD_GUARD_MS = 24 * 3600_000;

export interface VideoUpload {
  body: Readable;
  /** Content-Length, when the client sent one. */
  declaredLength: number | null;
  filename: string | null;
  /** Aborted when the client goes away: a file is never adopted for a client that cancelled. */
  signal?: AbortSignal;
}

export const tooLarge = (max: number) =>
  new DomainError('payload_too_large', `The video is larger than the limit of ${max} bytes`);

const cancelled = () =>
  new DomainError('validation', 'The upload was cancelled', [
    { path: 'body', message: 'The client went away before the upload was answered' },
  ]);

/** The item must be a video the caller can edit (Viewers 403; outside their reach 404). */
export async function requireEditableVideo(deps: VideoDeps, actor: Actor, itemId: string) {
  const { loaded } = await requireItem(deps.db, actor, 'item:edit', itemId);
  if (loaded.item.kind !== 'video') throw new DomainError('conflict', 'Only video items hold a video file');
  return loaded.item;
}

/**
 * Stores a video file for a video item (SPEC §6): streamed to storage (never held whole in
 * memory), its type read from its first bytes (MP4 or WebM, else 415), at most `maxVideoBytes`
 * (413, nothing kept), its container parsed for duration and picture size (a file that does not
 * parse: 415 naming why, nothing kept). Replaces the item's earlier file and its poster.
 */
export async function uploadVideo(
  deps: VideoDeps,
  actor: Actor,
  itemId: string,
  upload: VideoUpload,
): Promise<VideoFile> {
  const item = await requireEditableVideo(deps, actor, itemId);
  if (upload.declaredLength !== null && upload.declaredLength > deps.maxVideoBytes) {
    throw tooLarge(deps.maxVideoBytes);
  }
  const head = await peekHead(upload.body, SNIFF_BYTES);
  if (head.length === 0)
    throw new DomainError('validation', 'The upload is empty', [{ path: 'body', message: 'Empty' }]);
  const sniffed = await sniffVideo(head);
  if (!sniffed.ok) throw new DomainError('unsupported_media_type', sniffed.reason);

  const now = deps.clock.now();
  const fileId = newId(now);
  const key = `videos/${item.id}/${fileId}`;
  await guardUpload(deps.db, key, now + UPLOAD_GUARD_MS);
  let adopted = false;
  try {
    let stored: { size: number };
    try {
      stored = await deps.storage.put(key, upload.body, { maxBytes: deps.maxVideoBytes });
    } catch (err) {
      if (err instanceof StorageLimitError) throw tooLarge(deps.maxVideoBytes);
      throw err;
    }
    const probed = await probeVideo(sniffed.type, stored.size, (length, offset) =>
      readBytes(deps.storage, key, offset, length, stored.size),
    );
    if (!probed.ok) throw new DomainError('unsupported_media_type', probed.reason);
    if (upload.signal?.aborted) throw cancelled();

    const file = await inTransaction(deps.db, async (tx) => {
      // Asked again: access may have changed, or the item gone, during a long upload.
      await requireItem(tx, actor, 'item:edit', itemId);
      // And the client, once more before the row is written: one that cancelled meanwhile never
      // gets the file (the transaction rolls back; the object is removed below).
      if (upload.signal?.aborted) throw cancelled();
      await upsertVideoFile(tx, {
        itemId: item.id,
        workspaceId: item.workspaceId,
        fileId,
        storageKey: key,
        contentType: sniffed.type,
        size: stored.size,
        durationMs: probed.durationMs,
        width: probed.width,
        height: probed.height,
        filename: cleanFilename(upload.filename),
        createdAt: now,
        uploadedBy: actor.userId,
      });
      await releaseGuard(tx, key);
      await insertAuditEvents(
        tx,
        [
          {
            workspaceId: item.workspaceId,
            actor: actorRef(actor),
            action: 'video.upload',
            target: { type: 'item', id: item.id, label: item.title },
            after: { filename: cleanFilename(upload.filename), size: stored.size },
          },
        ],
        now,
      );
      return findVideoFile(tx, item.workspaceId, item.id);
    });
    adopted = true;
    deps.storageChanged();
    if (!file) throw new Error('video file vanished after upload');
    return presentVideoFile(file);
  } finally {
    if (!adopted) {
      await deps.storage.delete(key).catch(() => {});
      await releaseGuard(deps.db, key).catch(() => {});
    }
  }
}
