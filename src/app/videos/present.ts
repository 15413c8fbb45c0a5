import { isoTime } from '../../contract/time.ts';
import type { VideoFile } from '../../contract/videos.ts';
import type { VideoFileRecord } from '../../data/videos.repo.ts';

export function presentVideoFile(f: VideoFileRecord): VideoFile {
  return {
    itemId: f.itemId,
    fileId: f.fileId,
    contentType: f.contentType,
    size: f.size,
    durationMs: f.durationMs,
    width: f.width,
    height: f.height,
    filename: f.filename,
    hasPoster: f.posterKey !== null,
    uploadedAt: isoTime(f.createdAt),
    url: `/api/items/${f.itemId}/file`,
    posterUrl: f.posterKey ? `/api/items/${f.itemId}/poster?v=${f.posterAt ?? 0}` : null,
  };
}

/** A file name safe to show and to send back in Content-Disposition: no paths, no control characters. */
export function cleanFilename(name: string | null | undefined): string | null {
  if (!name) return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069"]/g, '').trim();
  return clean ? clean.slice(0, 255) : null;
}

/** `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266). */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[%;\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
