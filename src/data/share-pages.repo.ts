import { sql } from 'kysely';
import type { Conn } from './db.ts';
import { reusable } from './reusable-query.ts';
import { toVideoFile, type VideoFileRecord } from './videos.repo.ts';

export interface SharePageRecord {
  itemId: string;
  workspaceId: string;
  /** While published: the slug's lookup hash and the sealed slug (infra/slug-sealer.ts). */
  slugHash: string | null;
  slugSealed: string | null;
  publishedAt: number | null;
  passwordHash: string | null;
  passwordVersion: number;
  allowDownload: boolean;
  expiresAt: number | null;
  views: number;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toSharePage(r: {
  item_id: string;
  workspace_id: string;
  slug_hash: string | null;
  slug_sealed: string | null;
  published_at: number | string | null;
  password_hash: string | null;
  password_version: number | string;
  allow_download: number | string;
  expires_at: number | string | null;
  views: number | string;
}): SharePageRecord {
  return {
    itemId: r.item_id,
    workspaceId: r.workspace_id,
    slugHash: r.slug_hash,
    slugSealed: r.slug_sealed,
    publishedAt: num(r.published_at),
    passwordHash: r.password_hash,
    passwordVersion: Number(r.password_version),
    allowDownload: Number(r.allow_download) === 1,
    expiresAt: num(r.expires_at),
    views: Number(r.views),
  };
}

const pageColumns = [
  'item_id',
  'workspace_id',
  'slug_hash',
  'slug_sealed',
  'published_at',
  'password_hash',
  'password_version',
  'allow_download',
  'expires_at',
  'views',
] as const;

const findSharePageQuery = reusable((conn: Conn, workspaceId: string, itemId: string) =>
  conn
    .selectFrom('share_pages')
    .select(pageColumns)
    .where('workspace_id', '=', workspaceId)
    .where('item_id', '=', itemId),
);

/** The item's Share Page, or the defaults of one never changed (unpublished, no password). */
export async function findSharePage(
  conn: Conn,
  workspaceId: string,
  itemId: string,
): Promise<SharePageRecord> {
  const row = (await findSharePageQuery(conn, workspaceId, itemId)).rows[0];
  return row
    ? toSharePage(row)
    : {
        itemId,
        workspaceId,
        slugHash: null,
        slugSealed: null,
        publishedAt: null,
        passwordHash: null,
        passwordVersion: 0,
        allowDownload: false,
        expiresAt: null,
        views: 0,
      };
}

export async function saveSharePage(conn: Conn, p: SharePageRecord, now: number): Promise<void> {
  const values = {
    slug_hash: p.slugHash,
    slug_sealed: p.slugSealed,
    published_at: p.publishedAt,
    password_hash: p.passwordHash,
    password_version: p.passwordVersion,
    allow_download: p.allowDownload ? 1 : 0,
    expires_at: p.expiresAt,
    updated_at: now,
  };
  await conn
    .insertInto('share_pages')
    .values({ item_id: p.itemId, workspace_id: p.workspaceId, views: p.views, ...values })
    .onConflict((oc) => oc.column('item_id').doUpdateSet(values))
    .execute();
}

/** A published page of a live (not trashed) item by its slug's lookup hash, with its title and video file: one query. */
export interface PublicPageRecord extends SharePageRecord {
  title: string;
  file: VideoFileRecord | null;
}

/** On every public request's path (page data, each range request): compiled once (reusable). */
const publishedBySlug = reusable((conn: Conn, slugHash: string) =>
  conn
    .selectFrom('share_pages as p')
    .innerJoin('items as i', 'i.id', 'p.item_id')
    .leftJoin('video_files as v', 'v.item_id', 'p.item_id')
    .select([
      'p.item_id',
      'p.workspace_id',
      'p.slug_hash',
      'p.slug_sealed',
      'p.published_at',
      'p.password_hash',
      'p.password_version',
      'p.allow_download',
      'p.expires_at',
      'p.views',
      'i.title',
      'v.file_id',
      'v.storage_key',
      'v.content_type',
      'v.size',
      'v.duration_ms',
      'v.width',
      'v.height',
      'v.filename',
      'v.poster_key',
      'v.poster_type',
      'v.created_at',
      'v.poster_at',
    ])
    .where('p.slug_hash', '=', slugHash)
    // A video in the trash is gone to its public page, as if deleted (SPEC §5); restoring brings it back.
    .where('i.trashed_at', 'is', null),
);

export async function findPublishedBySlug(conn: Conn, slugHash: string): Promise<PublicPageRecord | null> {
  const row = (await publishedBySlug(conn, slugHash)).rows[0];
  if (!row) return null;
  const page = toSharePage(row);
  const file =
    row.file_id === null
      ? null
      : toVideoFile({
          item_id: row.item_id,
          workspace_id: row.workspace_id,
          file_id: row.file_id,
          storage_key: row.storage_key as string,
          content_type: row.content_type as string,
          size: row.size as number,
          duration_ms: row.duration_ms as number,
          width: row.width as number,
          height: row.height as number,
          filename: row.filename,
          poster_key: row.poster_key,
          poster_type: row.poster_type,
          created_at: row.created_at as number,
          poster_at: row.poster_at,
        });
  return { ...page, title: row.title, file };
}

const addViewsQuery = reusable((conn: Conn, itemId: string, n: number) =>
  conn
    .updateTable('share_pages')
    .set({ views: sql`views + ${n}` })
    .where('item_id', '=', itemId),
);

/** A video's counted views added to its page (the view counter's flush, once a second per video). */
export async function addViews(conn: Conn, itemId: string, n: number): Promise<void> {
  await addViewsQuery(conn, itemId, n);
}
