import { sql } from 'kysely';
import type { Conn } from './db.ts';
import { reusable } from './reusable-query.ts';

export interface VideoFileRecord {
  itemId: string;
  workspaceId: string;
  fileId: string;
  storageKey: string;
  contentType: 'video/mp4' | 'video/webm';
  size: number;
  durationMs: number;
  width: number;
  height: number;
  filename: string | null;
  posterKey: string | null;
  posterType: string | null;
  createdAt: number;
  posterAt: number | null;
}

type Row = {
  item_id: string;
  workspace_id: string;
  file_id: string;
  storage_key: string;
  content_type: string;
  size: number | string;
  duration_ms: number | string;
  width: number;
  height: number;
  filename: string | null;
  poster_key: string | null;
  poster_type: string | null;
  created_at: number | string;
  poster_at: number | string | null;
};

export function toVideoFile(r: Row): VideoFileRecord {
  return {
    itemId: r.item_id,
    workspaceId: r.workspace_id,
    fileId: r.file_id,
    storageKey: r.storage_key,
    contentType: r.content_type as VideoFileRecord['contentType'],
    size: Number(r.size),
    durationMs: Number(r.duration_ms),
    width: r.width,
    height: r.height,
    filename: r.filename,
    posterKey: r.poster_key,
    posterType: r.poster_type,
    createdAt: Number(r.created_at),
    posterAt: r.poster_at === null ? null : Number(r.poster_at),
  };
}

const columns = [
  'item_id',
  'workspace_id',
  'file_id',
  'storage_key',
  'content_type',
  'size',
  'duration_ms',
  'width',
  'height',
  'filename',
  'poster_key',
  'poster_type',
  'created_at',
  'poster_at',
] as const;

const findVideoFileQuery = reusable((conn: Conn, workspaceId: string, itemId: string) =>
  conn
    .selectFrom('video_files')
    .select(columns)
    .where('workspace_id', '=', workspaceId)
    .where('item_id', '=', itemId),
);

/** The item's file (every range request of a stream reads it: compiled once, data/reusable-query.ts). */
export async function findVideoFile(
  conn: Conn,
  workspaceId: string,
  itemId: string,
): Promise<VideoFileRecord | null> {
  const row = (await findVideoFileQuery(conn, workspaceId, itemId)).rows[0];
  return row ? toVideoFile(row) : null;
}

/** Sets the item's file (replacing any earlier one: the triggers queue the old objects for removal). */
export async function upsertVideoFile(
  conn: Conn,
  f: Omit<VideoFileRecord, 'posterKey' | 'posterType' | 'posterAt'> & { uploadedBy: string | null },
): Promise<void> {
  const values = {
    file_id: f.fileId,
    storage_key: f.storageKey,
    content_type: f.contentType,
    size: f.size,
    duration_ms: f.durationMs,
    width: f.width,
    height: f.height,
    filename: f.filename,
    poster_key: null,
    poster_type: null,
    poster_at: null,
    uploaded_by: f.uploadedBy,
    created_at: f.createdAt,
  };
  await conn
    .insertInto('video_files')
    .values({ item_id: f.itemId, workspace_id: f.workspaceId, ...values })
    .onConflict((oc) => oc.column('item_id').doUpdateSet(values))
    .execute();
}

/** Sets the poster of the file `fileId` (none when the file was replaced meanwhile: returns false). */
export async function setPoster(
  conn: Conn,
  workspaceId: string,
  itemId: string,
  fileId: string,
  poster: { key: string; type: string },
  now: number,
): Promise<boolean> {
  const r = await conn
    .updateTable('video_files')
    .set({ poster_key: poster.key, poster_type: poster.type, poster_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('item_id', '=', itemId)
    .where('file_id', '=', fileId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An object being uploaded: removed by the sweeper after `notBefore` unless adopted first. */
export async function guardUpload(conn: Conn, key: string, notBefore: number): Promise<void> {
  await conn.insertInto('storage_deletions').values({ key, not_before: notBefore }).execute();
}

/** The object is referenced now (or already gone): no longer to be removed. */
export async function releaseGuard(conn: Conn, key: string): Promise<void> {
  await conn.deleteFrom('storage_deletions').where('key', '=', key).execute();
}

/** Objects due for removal and no longer referenced by any file or poster. */
export async function listDueDeletions(conn: Conn, now: number, limit: number): Promise<string[]> {
  const rows = await conn
    .selectFrom('storage_deletions as d')
    .select('d.key')
    .where('d.not_before', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('video_files as v')
            .select(sql.lit(1).as('one'))
            .where((eb) =>
              eb.or([eb('v.storage_key', '=', eb.ref('d.key')), eb('v.poster_key', '=', eb.ref('d.key'))]),
            ),
        ),
      ),
    )
    .orderBy('d.not_before')
    .limit(limit)
    .execute();
  return rows.map((r) => r.key);
}

export async function countDeletions(conn: Conn): Promise<number> {
  const r = await conn
    .selectFrom('storage_deletions')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
