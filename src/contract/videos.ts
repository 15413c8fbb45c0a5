import { z } from 'zod';

export const videoContentTypes = ['video/mp4', 'video/webm'] as const;
/** A raw upload's Content-Type: a video type, or bytes of unstated type (the type is read from them). */
export const rawVideoUploadTypes = [...videoContentTypes, 'application/octet-stream'] as const;
export const posterContentTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** The largest poster image accepted (a frame captured in the browser is far smaller). */
export const MAX_POSTER_BYTES = 2 * 1024 * 1024;

/** The video file of a video item, as read from its bytes at upload. */
export const VideoFile = z.object({
  itemId: z.string(),
  /** A new id for every upload; the file's ETag. */
  fileId: z.string(),
  contentType: z.enum(videoContentTypes),
  size: z.number().int().describe('Bytes'),
  durationMs: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  filename: z.string().nullable().describe('The name it was uploaded with, if any'),
  hasPoster: z.boolean(),
  uploadedAt: z.string(),
  /** Where to play it (with the session cookie or an API key): supports Range. */
  url: z.string(),
  posterUrl: z.string().nullable(),
});
export type VideoFile = z.infer<typeof VideoFile>;

export const VideoFileResponse = z.object({
  file: VideoFile.nullable(),
  maxBytes: z.number().int().describe('The largest file this server accepts (MAX_VIDEO_BYTES)'),
});
export type VideoFileResponse = z.infer<typeof VideoFileResponse>;

export const FileQuery = z.object({
  download: z
    .enum(['0', '1'])
    .optional()
    .describe('`1`: sent as an attachment (Content-Disposition) to save, rather than to play'),
});
