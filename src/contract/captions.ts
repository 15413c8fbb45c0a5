import webvtt from 'webvtt-parser';
import { z } from 'zod';
import { Id } from './common.ts';
import { Label, Text } from './text.ts';

/** A caption file is at most this long (a feature film's captions are ~150 KB). */
export const MAX_VTT_CHARS = 512 * 1024;

/** The longest tag stored (`caption_tracks.language` is varchar(35)). */
export const MAX_LANGUAGE_CHARS = 35;
const tooLong = `Must be at most ${MAX_LANGUAGE_CHARS} characters`;

/**
 * A BCP 47 language tag (`en`, `pt-BR`, `zh-Hant`), stored in its canonical form. The length is
 * checked on that form, not on what was sent: canonicalising can lengthen a tag (`sh` is
 * `sr-Latn`) and shorten one (`art-lojban` is `jbo`).
 */
export const CaptionLanguage = Text.trim()
  .min(2, 'Must be a language tag such as en or pt-BR')
  .describe(`A BCP 47 language tag, at most ${MAX_LANGUAGE_CHARS} characters in its canonical form`)
  .transform((tag, ctx) => {
    let canonical: string | undefined;
    try {
      [canonical] = Intl.getCanonicalLocales(tag);
    } catch {}
    if (!canonical) {
      ctx.addIssue({ code: 'custom', message: 'Must be a language tag such as en or pt-BR' });
      return z.NEVER;
    }
    if (canonical.length > MAX_LANGUAGE_CHARS) {
      ctx.addIssue({ code: 'custom', message: `${tooLong} (written canonically, ${canonical.length})` });
      return z.NEVER;
    }
    return canonical;
  });

/** What viewers see in the captions menu: the text rules' label (one line, 1-100 characters). */
export const CaptionLabel = Label(100);

export interface VttProblem {
  line: number;
  message: string;
}

export interface VttCue {
  id: string;
  start: number;
  end: number;
  text: string;
}

/**
 * Parses WebVTT with the W3C's reference parser (w3c/webvtt.js). Any error it reports makes the
 * text invalid; each names its line (1-based).
 */
export function parseVtt(text: string): { cues: VttCue[]; problems: VttProblem[] } {
  const parser = new webvtt.WebVTTParser();
  const { cues, errors } = parser.parse(text, 'metadata');
  return {
    cues: cues.map((c) => ({ id: c.id, start: c.startTime, end: c.endTime, text: c.text })),
    problems: errors.map((e) => ({ line: e.line, message: e.message })),
  };
}

/** WebVTT text: refused with the first problem's line in the message (and every problem as an issue). */
export const VttText = Text.max(MAX_VTT_CHARS, `Must be at most ${MAX_VTT_CHARS} characters`).superRefine(
  (text, ctx) => {
    const { problems } = parseVtt(text);
    for (const p of problems.slice(0, 20)) {
      ctx.addIssue({ code: 'custom', message: `Line ${p.line}: ${p.message}` });
    }
  },
);

export const CaptionTrackBody = z.strictObject({
  language: CaptionLanguage,
  label: CaptionLabel,
  vtt: VttText,
});
export type CaptionTrackBody = z.input<typeof CaptionTrackBody>;

export const CaptionTrack = z.object({
  id: z.string(),
  language: z.string(),
  label: z.string(),
  vtt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The track as text/vtt (for a `<track src>`). */
  url: z.string(),
});
export type CaptionTrack = z.infer<typeof CaptionTrack>;

/**
 * Tracks a video may have: every one is listed on its public page, so the list stays a page's worth
 * (the server refuses more with 409; the app disables "Add captions" at the limit, saying why).
 */
export const MAX_CAPTION_TRACKS = 100;

/** All of a video's tracks (one a language): answered whole, so `nextCursor` is always null. */
export const CaptionTrackList = z.object({ tracks: z.array(CaptionTrack), nextCursor: z.null() });
export type CaptionTrackList = z.infer<typeof CaptionTrackList>;

export const CaptionParams = z.object({ id: Id, trackId: Id });

/** Writes cues back as WebVTT (the cue editor's output). */
export function serializeVtt(cues: readonly { start: number; end: number; text: string }[]): string {
  const ts = (seconds: number) => {
    const ms = Math.round(seconds * 1000);
    const h = Math.floor(ms / 3_600_000);
    const m = Math.floor((ms % 3_600_000) / 60_000);
    const s = Math.floor((ms % 60_000) / 1000);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
  };
  const blocks = cues.map(
    (c) => `${ts(c.start)} --> ${ts(c.end)}\n${c.text.replace(/\n{2,}/g, '\n').trim()}`,
  );
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}
