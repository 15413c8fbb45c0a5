import { type CaptionTrack, type CaptionTrackList, MAX_CAPTION_TRACKS } from '../../contract/captions.ts';
import { isoTime } from '../../contract/time.ts';
import { insertAuditEvents } from '../../data/audit.repo.ts';
import {
  type CaptionRecord,
  countCaptions,
  deleteCaption as deleteRow,
  findCaption,
  findCaptionByLanguage,
  insertCaption,
  isCaptionLanguageTaken,
  listCaptions,
  lockVideoForCaptions,
  updateCaption as updateRow,
} from '../../data/captions.repo.ts';
import { type Db, type Dialect, inTransaction, type Tx } from '../../data/db.ts';
import { newId } from '../../data/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Actor } from '../actor.ts';
import { actorRef } from '../audit/actor-label.ts';
import { requireItem } from '../gate.ts';
import { onlyVideos } from '../share-pages/get-share-page.ts';

export interface CaptionDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
}

/** A track as validated by the contract (CaptionTrackBody): WebVTT already parsed and accepted. */
export interface CaptionInput {
  language: string;
  label: string;
  vtt: string;
}

export function presentCaption(c: CaptionRecord): CaptionTrack {
  return {
    id: c.id,
    language: c.language,
    label: c.label,
    vtt: c.vtt,
    createdAt: isoTime(c.createdAt),
    updatedAt: isoTime(c.updatedAt),
    url: `/api/items/${c.itemId}/captions/${c.id}/vtt`,
  };
}

const notFound = () => new DomainError('not_found', 'Caption track not found');
const languageTaken = (language: string) =>
  new DomainError('conflict', `There is already a caption track in ${language}: edit that one`, [
    { path: 'language', message: `Already has a track in ${language}` },
  ]);

async function requireVideo(conn: Db, actor: Actor, action: 'item:view' | 'item:edit', itemId: string) {
  const { loaded } = await requireItem(conn, actor, action, itemId);
  if (loaded.item.kind !== 'video') throw onlyVideos();
  return loaded.item;
}

/** The video's caption tracks (anyone who can view it). */
export async function listCaptionTracks(
  deps: CaptionDeps,
  actor: Actor,
  itemId: string,
): Promise<CaptionTrackList> {
  await requireVideo(deps.db, actor, 'item:view', itemId);
  return { tracks: (await listCaptions(deps.db, itemId)).map(presentCaption), nextCursor: null };
}

/** One track's text, for a `<track src>` (anyone who can view the video). */
export async function openCaptionTrack(deps: CaptionDeps, actor: Actor, itemId: string, trackId: string) {
  await requireVideo(deps.db, actor, 'item:view', itemId);
  const track = await findCaption(deps.db, itemId, trackId);
  if (!track) throw notFound();
  return track;
}

/**
 * Another call committed a track in the same language after this one's check (PostgreSQL): the
 * call runs again (`inTransaction`'s retryIf), and then answers the same 409 as a track that was
 * there first.
 */
const languageRace = { retryIf: isCaptionLanguageTaken };

/** Adds a track in a language the video has none in yet (edit access; 409 for a second one). */
export async function createCaptionTrack(
  deps: CaptionDeps,
  actor: Actor,
  itemId: string,
  input: CaptionInput,
): Promise<CaptionTrack> {
  const create = async (tx: Tx): Promise<CaptionTrack> => {
    const item = await requireVideo(tx, actor, 'item:edit', itemId);
    // Two adds at once count each other's tracks.
    await lockVideoForCaptions(tx, deps.dialect, itemId);
    if (await findCaptionByLanguage(tx, itemId, input.language)) throw languageTaken(input.language);
    if ((await countCaptions(tx, itemId)) >= MAX_CAPTION_TRACKS) {
      throw new DomainError(
        'conflict',
        `A video has at most ${MAX_CAPTION_TRACKS} caption tracks: delete one to add another`,
      );
    }
    const now = deps.clock.now();
    const record: CaptionRecord = {
      id: newId(now),
      itemId,
      workspaceId: item.workspaceId,
      ...input,
      createdAt: now,
      updatedAt: now,
    };
    await insertCaption(tx, record);
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: item.workspaceId,
          actor: actorRef(actor),
          action: 'caption.create',
          target: { type: 'item', id: itemId, label: item.title },
          after: { language: input.language, label: input.label },
        },
      ],
      now,
    );
    return presentCaption(record);
  };
  return inTransaction(deps.db, create, languageRace);
}

/** Replaces a track's language, label and text (edit access; 409 for a language another track has). */
export async function updateCaptionTrack(
  deps: CaptionDeps,
  actor: Actor,
  itemId: string,
  trackId: string,
  input: CaptionInput,
): Promise<CaptionTrack> {
  const update = async (tx: Tx): Promise<CaptionTrack> => {
    const item = await requireVideo(tx, actor, 'item:edit', itemId);
    const other = await findCaptionByLanguage(tx, itemId, input.language);
    if (other && other.id !== trackId) throw languageTaken(input.language);
    const before = await findCaption(tx, itemId, trackId);
    const now = deps.clock.now();
    if (!before || !(await updateRow(tx, itemId, trackId, input, now))) throw notFound();
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: item.workspaceId,
          actor: actorRef(actor),
          action: 'caption.update',
          target: { type: 'item', id: itemId, label: item.title },
          before: { language: before.language, label: before.label },
          after: { language: input.language, label: input.label },
        },
      ],
      now,
    );
    return presentCaption((await findCaption(tx, itemId, trackId)) as CaptionRecord);
  };
  return inTransaction(deps.db, update, languageRace);
}

export async function deleteCaptionTrack(deps: CaptionDeps, actor: Actor, itemId: string, trackId: string) {
  await inTransaction(deps.db, async (tx) => {
    const item = await requireVideo(tx, actor, 'item:edit', itemId);
    const before = await findCaption(tx, itemId, trackId);
    if (!before || !(await deleteRow(tx, itemId, trackId))) throw notFound();
    await insertAuditEvents(
      tx,
      [
        {
          workspaceId: item.workspaceId,
          actor: actorRef(actor),
          action: 'caption.delete',
          target: { type: 'item', id: itemId, label: item.title },
          before: { language: before.language, label: before.label },
        },
      ],
      deps.clock.now(),
    );
  });
}
