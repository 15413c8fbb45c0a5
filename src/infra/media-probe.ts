/**
 * What a video file is, read from its bytes, never from its name or the Content-Type it came with:
 * `file-type` recognises the container from the first bytes, then MediaInfo (mediainfo.js, the
 * WebAssembly build of MediaInfoLib, which reads both MP4 and WebM) reads the container for
 * duration and picture size, and says when the file is truncated or does not parse.
 */
import { fileTypeFromBuffer } from 'file-type';
import mediaInfoFactory, { type MediaInfo, type MediaInfoResult } from 'mediainfo.js';

export const VIDEO_TYPES = ['video/mp4', 'video/webm'] as const;
export type VideoType = (typeof VIDEO_TYPES)[number];

/** How many leading bytes `sniffVideo` wants (file-type's sample size). */
export const SNIFF_BYTES = 4100;

export type Sniffed = { ok: true; type: VideoType } | { ok: false; reason: string };

/** The container type from the first bytes of a file: MP4 and WebM only. */
export async function sniffVideo(head: Uint8Array): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(head);
  if (found && (VIDEO_TYPES as readonly string[]).includes(found.mime)) {
    return { ok: true, type: found.mime as VideoType };
  }
  const what = found ? `${found.ext.toUpperCase()} (${found.mime})` : 'not a file type we recognise';
  return { ok: false, reason: `The file is ${what}, not an MP4 or WebM video` };
}

export interface VideoFacts {
  durationMs: number;
  width: number;
  height: number;
}

export type Probed = ({ ok: true } & VideoFacts) | { ok: false; reason: string };

/** Reads `length` bytes at `offset` of the file being probed. */
export type ReadChunk = (length: number, offset: number) => Promise<Uint8Array>;

const containerFormat: Record<VideoType, string> = { 'video/mp4': 'MPEG-4', 'video/webm': 'WebM' };
const label: Record<VideoType, string> = { 'video/mp4': 'MP4', 'video/webm': 'WebM' };

type Track = Record<string, unknown> & { '@type': string };

/** MediaInfo's conformance messages (nested by element), in document order. */
function complianceMessages(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) complianceMessages(v, out);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.GeneralCompliance === 'string') out.push(record.GeneralCompliance);
    for (const [k, v] of Object.entries(record)) if (k !== 'GeneralCompliance') complianceMessages(v, out);
  }
  return out;
}

/** The clearest reason: the file-level size message when there is one, else the first. */
function firstCompliance(value: unknown): string | null {
  const all = complianceMessages(value);
  return all.find((m) => m.startsWith('File size')) ?? all[0] ?? null;
}

const num = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;

/** The decision on MediaInfo's report: a whole file of the sniffed type, with a picture and a length. */
export function judgeMediaInfo(type: VideoType, result: MediaInfoResult): Probed {
  const tracks = (result.media?.track ?? []) as unknown as Track[];
  const general = tracks.find((t) => t['@type'] === 'General');
  const video = tracks.find((t) => t['@type'] === 'Video');
  const name = label[type];
  if (!general || general.Format !== containerFormat[type]) {
    return { ok: false, reason: `The file does not parse as ${name}` };
  }
  const extra = (general.extra ?? {}) as Record<string, unknown>;
  if (extra.IsTruncated === 'Yes') {
    const why = firstCompliance(extra.ConformanceErrors);
    return { ok: false, reason: `The ${name} file is truncated or corrupt${why ? `: ${why}` : ''}` };
  }
  if (!video) return { ok: false, reason: `The ${name} file has no video track` };
  const width = num(video.Width);
  const height = num(video.Height);
  if (!(width > 0 && height > 0))
    return { ok: false, reason: `The ${name} file's video has no picture size` };
  const seconds = num(general.Duration ?? video.Duration);
  if (!(seconds > 0)) return { ok: false, reason: `The ${name} file has no duration` };
  return { ok: true, durationMs: Math.round(seconds * 1000), width, height };
}

/**
 * One MediaInfo instance per process (loading the WebAssembly costs ~100 ms), used by one probe
 * at a time: an analysis is not re-entrant.
 */
let instance: Promise<MediaInfo<'object'>> | null = null;
let queue: Promise<unknown> = Promise.resolve();

export async function probeVideo(type: VideoType, size: number, read: ReadChunk): Promise<Probed> {
  instance ??= mediaInfoFactory({ format: 'object', full: false });
  const mi = await instance;
  const run = queue.then(async () => {
    try {
      const result = await mi.analyzeData(size, read);
      return judgeMediaInfo(type, result);
    } catch (err) {
      return { ok: false as const, reason: `The ${label[type]} file does not parse (${String(err)})` };
    }
  });
  queue = run.catch(() => {});
  return run;
}
