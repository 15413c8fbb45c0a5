import { randomBytes } from 'node:crypto';
import type { SharePage, UpdateSharePageBody } from '../../contract/share-pages.ts';
import { isoTimeOrNull } from '../../contract/time.ts';
import { type AuditEntry, insertAuditEvents } from '../../data/audit.repo.ts';
import { inTransaction } from '../../data/db.ts';
import { findSharePage, saveSharePage } from '../../data/share-pages.repo.ts';
import { findVideoFile } from '../../data/videos.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import { hashPassword } from '../../infra/passwords.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';
import { onlyVideos, type SharePageDeps } from './get-share-page.ts';
import { liveSlug, presentSharePage } from './present.ts';

/** A new public slug: 128 random bits (the spec asks for at least 96), base64url. */
export const newSlug = () => randomBytes(16).toString('base64url');

/**
 * Changes a Share Page (SPEC §6): needs share access (so never a Viewer). Publishing makes a new
 * random URL (a video without a file cannot be published: 409); unpublishing ends it at once, and
 * for good: publishing again makes another. A lost link (one sealed under another AUTH_SECRET,
 * `liveSlug`) counts as unpublished: publishing replaces it. A new or removed password bumps the
 * password version, which ends every earlier unlock. Recorded in the audit log.
 */
export async function updateSharePage(
  deps: SharePageDeps,
  actor: Actor,
  itemId: string,
  body: UpdateSharePageBody,
): Promise<SharePage> {
  // Refuse before the (slow, on purpose) password hash.
  await requireItem(deps.db, actor, 'item:share', itemId);
  const now = deps.clock.now();
  if (body.expiresAt) {
    const at = Date.parse(body.expiresAt);
    if (at <= now) {
      throw new DomainError('validation', 'expiresAt: Must be in the future', [
        { path: 'expiresAt', message: 'Must be in the future' },
      ]);
    }
  }
  const newHash = typeof body.password === 'string' ? await hashPassword(body.password) : null;

  return inTransaction(deps.db, async (tx) => {
    const { loaded } = await requireItem(tx, actor, 'item:share', itemId);
    const item = loaded.item;
    if (item.kind !== 'video') throw onlyVideos();
    const before = await findSharePage(tx, item.workspaceId, itemId);
    const file = await findVideoFile(tx, item.workspaceId, itemId);
    const after = { ...before };
    const audit: AuditEntry[] = [];
    const entry = (action: AuditEntry['action'], b?: unknown, a?: unknown): AuditEntry => ({
      workspaceId: item.workspaceId,
      actor: actorRef(actor),
      action,
      target: { type: 'item', id: item.id, label: item.title },
      before: b,
      after: a,
    });

    if (body.published === true && liveSlug(before, deps.slugs) === null) {
      if (!file) throw new DomainError('conflict', 'Upload a video before publishing it');
      const slug = newSlug();
      after.slugHash = deps.slugs.lookup(slug);
      after.slugSealed = deps.slugs.seal(slug);
      after.publishedAt = now;
      audit.push(entry('share_page.publish'));
    } else if (body.published === false && before.slugHash !== null) {
      after.slugHash = null;
      after.slugSealed = null;
      after.publishedAt = null;
      audit.push(entry('share_page.unpublish'));
    }
    if (body.password !== undefined && (body.password !== null || before.passwordHash !== null)) {
      after.passwordHash = newHash;
      after.passwordVersion = before.passwordVersion + 1;
      audit.push(
        entry(
          'share_page.password',
          { hasPassword: before.passwordHash !== null },
          { hasPassword: newHash !== null },
        ),
      );
    }
    const settingsBefore = { allowDownload: before.allowDownload, expiresAt: before.expiresAt };
    if (body.allowDownload !== undefined) after.allowDownload = body.allowDownload;
    if (body.expiresAt !== undefined)
      after.expiresAt = body.expiresAt === null ? null : Date.parse(body.expiresAt);
    const settingsAfter = { allowDownload: after.allowDownload, expiresAt: after.expiresAt };
    if (JSON.stringify(settingsBefore) !== JSON.stringify(settingsAfter)) {
      const iso = (s: typeof settingsBefore) => ({
        allowDownload: s.allowDownload,
        expiresAt: isoTimeOrNull(s.expiresAt),
      });
      audit.push(entry('share_page.settings', iso(settingsBefore), iso(settingsAfter)));
    }
    await saveSharePage(tx, after, now);
    await insertAuditEvents(tx, audit, now);
    return presentSharePage(
      { ...after, views: after.views + deps.views.pending(itemId) },
      {
        publicUrl: deps.publicUrl,
        hasVideo: file !== null,
        now,
        slugs: deps.slugs,
      },
    );
  });
}
