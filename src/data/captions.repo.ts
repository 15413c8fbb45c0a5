import type { Conn, Dialect } from './db.ts';
import { reusable, reusableByShape } from './reusable-query.ts';

export interface CaptionRecord {
  id: string;
  itemId: string;
  workspaceId: string;
  language: string;
  label: string;
  vtt: string;
  createdAt: number;
  updatedAt: number;
}

type Row = {
  id: string;
  item_id: string;
  workspace_id: string;
  language: string;
  label: string;
  vtt: string;
  created_at: number | string;
  updated_at: number | string;
};
const toRecord = (r: Row): CaptionRecord => ({
  id: r.id,
  itemId: r.item_id,
  workspaceId: r.workspace_id,
  language: r.language,
  label: r.label,
  vtt: r.vtt,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** An item's tracks, with or without their text: compiled once each (data/reusable-query.ts). */
const listQuery = reusableByShape({
  key: (withText: boolean) => (withText ? 'text' : 'no text'),
  build: (withText: boolean) => (conn: Conn, itemId: string) =>
    conn
      .selectFrom('caption_tracks')
      .select(['id', 'item_id', 'workspace_id', 'language', 'label', 'created_at', 'updated_at'])
      .$if(withText, (q) => q.select('vtt'))
      .where('item_id', '=', itemId)
      .orderBy('label')
      .orderBy('id'),
});

/** An item's tracks by label (a public page lists them on every view). */
export async function listCaptions(conn: Conn, itemId: string, withText = true): Promise<CaptionRecord[]> {
  const rows = (await listQuery(withText)(conn, itemId)).rows;
  return rows.map((r) => toRecord({ vtt: '', ...r } as Row));
}

const findQuery = reusable((conn: Conn, itemId: string, trackId: string) =>
  conn.selectFrom('caption_tracks').selectAll().where('item_id', '=', itemId).where('id', '=', trackId),
);

/** One track of the item (a player fetches it with every public view). */
export async function findCaption(
  conn: Conn,
  itemId: string,
  trackId: string,
): Promise<CaptionRecord | null> {
  const row = (await findQuery(conn, itemId, trackId)).rows[0];
  return row ? toRecord(row) : null;
}

/**
 * Holds the video's row until the transaction ends (PostgreSQL; SQLite's transactions already run
 * alone), so two tracks added at once count each other. `FOR NO KEY UPDATE`: a track being written
 * elsewhere (which key-share-locks its item) does not wait on it, nor it on that track.
 */
export async function lockVideoForCaptions(conn: Conn, dialect: Dialect, itemId: string): Promise<void> {
  if (dialect === 'postgres') await lockVideoQuery(conn, itemId);
}
const lockVideoQuery = reusable((conn: Conn, itemId: string) =>
  conn.selectFrom('items').select('id').where('id', '=', itemId).forNoKeyUpdate(),
);

/** How many tracks the item has. */
export async function countCaptions(conn: Conn, itemId: string): Promise<number> {
  const row = await conn
    .selectFrom('caption_tracks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('item_id', '=', itemId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findCaptionByLanguage(conn: Conn, itemId: string, language: string) {
  return conn
    .selectFrom('caption_tracks')
    .select('id')
    .where('item_id', '=', itemId)
    .where('language', '=', language)
    .executeTakeFirst();
}

/**
 * Another transaction gave the item a track in this language between this one's check and its
 * write (PostgreSQL; on SQLite transactions run one at a time): the unique index
 * `caption_tracks_item_language_uniq` refused it. Running the use case again finds that track.
 */
export function isCaptionLanguageTaken(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === 'caption_tracks_item_language_uniq';
}

export async function insertCaption(conn: Conn, c: CaptionRecord): Promise<void> {
  await conn
    .insertInto('caption_tracks')
    .values({
      id: c.id,
      item_id: c.itemId,
      workspace_id: c.workspaceId,
      language: c.language,
      label: c.label,
      vtt: c.vtt,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    })
    .execute();
}

export async function updateCaption(
  conn: Conn,
  itemId: string,
  trackId: string,
  c: { language: string; label: string; vtt: string },
  now: number,
): Promise<boolean> {
  const r = await conn
    .updateTable('caption_tracks')
    .set({ language: c.language, label: c.label, vtt: c.vtt, updated_at: now })
    .where('item_id', '=', itemId)
    .where('id', '=', trackId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteCaption(conn: Conn, itemId: string, trackId: string): Promise<boolean> {
  const r = await conn
    .deleteFrom('caption_tracks')
    .where('item_id', '=', itemId)
    .where('id', '=', trackId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
