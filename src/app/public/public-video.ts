import type { PublicVideo } from '../../contract/share-pages.ts';
import { findCaption, listCaptions } from '../../data/captions.repo.ts';
import type { Db } from '../../data/db.ts';
import { findPublishedBySlug, type PublicPageRecord } from '../../data/share-pages.repo.ts';
import type { PublicPageFacts } from '../../domain/credentials.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { verifyAgainstDecoy, verifyPassword } from '../../infra/passwords.ts';
import type { SlugSealer } from '../../infra/slug-sealer.ts';
import type { Visitor } from '../actor.ts';
import { publicAllows, requirePublicVideo } from '../gate.ts';
import type { ViewCounter } from './view-counter.ts';

export interface PublicDeps {
  db: Db;
  clock: Clock;
  slugs: SlugSealer;
  views: ViewCounter;
}

/**
 * The visitor's credential for one video: the route reads the unlock cookie of that video only
 * (the video is known once its slug is looked up).
 */
export type VisitorFor = (itemId: string) => Visitor;

type PublicFacts = Omit<PublicPageRecord, 'passwordVersion'> & PublicPageFacts;

async function loadFacts(deps: PublicDeps, slug: string): Promise<PublicFacts | null> {
  const page = await findPublishedBySlug(deps.db, deps.slugs.lookup(slug));
  if (!page) return null;
  return {
    ...page,
    published: page.slugHash !== null,
    passwordVersion: page.passwordHash === null ? null : page.passwordVersion,
    hasFile: page.file !== null,
  };
}

const base = (slug: string) => `/api/public/videos/${slug}`;

/**
 * The public page's data (SPEC §6): 404 for a missing, unpublished or expired slug; only whether
 * it is locked while the password is needed; else the video, poster and captions. A view is
 * counted each time a visitor's page loads the data unlocked (a visit; the workspace's own plays in
 * the app never pass here), unless `countView` is false: a read that loads no page (an HTTP HEAD).
 */
export async function getPublicVideo(
  deps: PublicDeps,
  visitorFor: VisitorFor,
  slug: string,
  opts: { countView: boolean },
): Promise<PublicVideo> {
  const now = deps.clock.now();
  const facts = await loadFacts(deps, slug);
  const page = requirePublicVideo(
    facts ? visitorFor(facts.itemId) : { credential: { kind: 'anonymous' } },
    facts,
    'public:open',
    now,
  );
  const visitor = visitorFor(page.itemId);
  if (!publicAllows(visitor, page, 'public:watch', now)) {
    return {
      locked: true,
      title: null,
      durationMs: null,
      width: null,
      height: null,
      fileUrl: null,
      posterUrl: null,
      downloadUrl: null,
      captions: [],
    };
  }
  const file = page.file as NonNullable<PublicFacts['file']>;
  const captions = await listCaptions(deps.db, page.itemId, false);
  if (opts.countView) deps.views.count(page.itemId);
  return {
    locked: false,
    title: page.title,
    durationMs: file.durationMs,
    width: file.width,
    height: file.height,
    fileUrl: `${base(slug)}/file`,
    posterUrl: file.posterKey ? `${base(slug)}/poster?v=${file.posterAt ?? 0}` : null,
    downloadUrl: publicAllows(visitor, page, 'public:download', now) ? `${base(slug)}/file?download=1` : null,
    captions: captions.map((c) => ({
      id: c.id,
      language: c.language,
      label: c.label,
      url: `${base(slug)}/captions/${c.id}`,
    })),
  };
}

/** What the HTML shell of /v/:slug and /embed/:slug shows before any script runs (no view counted). */
export async function getPublicPageMeta(deps: PublicDeps, visitorFor: VisitorFor, slug: string) {
  const now = deps.clock.now();
  const facts = await loadFacts(deps, slug);
  const page = requirePublicVideo(
    facts ? visitorFor(facts.itemId) : { credential: { kind: 'anonymous' } },
    facts,
    'public:open',
    now,
  );
  // What a link preview may show: nothing of a video behind a password.
  const open = page.passwordVersion === null;
  return {
    title: open ? page.title : null,
    hasPoster: open && page.file?.posterKey !== null && page.file?.posterKey !== undefined,
    width: page.file?.width ?? null,
    height: page.file?.height ?? null,
  };
}

/**
 * Checks a password for the video behind `slug`. Wrong, and also missing, unpublished or expired
 * (nothing here says whether the video exists): 401 `invalid_password`, after the same argon2 work.
 * Right: the unlock to sign into a cookie. No password set: nothing to unlock (null).
 */
export async function unlockPublicVideo(
  deps: PublicDeps,
  slug: string,
  password: string,
): Promise<{ itemId: string; passwordVersion: number } | null> {
  const facts = await loadFacts(deps, slug);
  const wrong = () => new DomainError('invalid_password', 'That password is not right');
  const opens = publicAllows({ credential: { kind: 'anonymous' } }, facts, 'public:open', deps.clock.now());
  if (!facts || !opens) {
    await verifyAgainstDecoy(password);
    throw wrong();
  }
  if (facts.passwordHash === null) return null;
  if (!(await verifyPassword(facts.passwordHash, password))) throw wrong();
  return { itemId: facts.itemId, passwordVersion: facts.passwordVersion as number };
}

/** The file to stream to a visitor: checked on every request, so unpublishing ends playback at once. */
export async function openPublicFile(
  deps: PublicDeps,
  visitorFor: VisitorFor,
  slug: string,
  download: boolean,
) {
  const facts = await loadFacts(deps, slug);
  const visitor = facts ? visitorFor(facts.itemId) : { credential: { kind: 'anonymous' as const } };
  const page = requirePublicVideo(
    visitor,
    facts,
    download ? 'public:download' : 'public:watch',
    deps.clock.now(),
  );
  return { file: page.file as NonNullable<PublicFacts['file']>, title: page.title };
}

export async function openPublicPoster(deps: PublicDeps, visitorFor: VisitorFor, slug: string) {
  const { file } = await openPublicFile(deps, visitorFor, slug, false);
  if (!file.posterKey || !file.posterType) throw new DomainError('not_found', 'This video has no poster');
  return file;
}

export async function openPublicCaption(
  deps: PublicDeps,
  visitorFor: VisitorFor,
  slug: string,
  trackId: string,
) {
  const facts = await loadFacts(deps, slug);
  const visitor = facts ? visitorFor(facts.itemId) : { credential: { kind: 'anonymous' as const } };
  const page = requirePublicVideo(visitor, facts, 'public:watch', deps.clock.now());
  const track = await findCaption(deps.db, page.itemId, trackId);
  if (!track) throw new DomainError('not_found', 'Caption track not found');
  return track;
}
