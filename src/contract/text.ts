import './messages.ts';
import { z } from 'zod';

/**
 * The text rules (docs/API.md "Text rules"), in one place for every schema and for the server's
 * input guard.
 *
 * 1. Any string the API accepts (bodies, path parameters, query strings) is Unicode text without
 *    U+0000: PostgreSQL cannot store NUL in text (it was a 500 there, and stored as is on SQLite),
 *    and an unpaired UTF-16 surrogate is not text at all (PostgreSQL would store U+FFFD instead).
 * 2. Labels, the names and titles people see (workspace names, item titles, API key names, user
 *    names), are one line of visible text: no C0 controls (U+0000-U+001F, so no tab or newline),
 *    no DEL or C1 controls (U+007F-U+009F), no line or paragraph separators (U+2028, U+2029), and no
 *    bidirectional embeddings, overrides or isolates (U+202A-U+202E, U+2066-U+2069), which can make
 *    "\u202Egnp.exe" display as "exe.png". The bidi marks U+200E, U+200F and U+061C stay allowed:
 *    right-to-left names need them, and a mark cannot reverse a run of text.
 */

const NUL = '\u0000';
/** With the `u` flag, a surrogate range matches only surrogates that are not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** `Cc` is exactly U+0000-U+001F and U+007F-U+009F. */
const NOT_IN_LABELS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `s` breaks rule 1, or null. */
export function textProblem(s: string): string | null {
  if (s.includes(NUL)) return 'Must not contain U+0000 (NUL)';
  if (LONE_SURROGATE.test(s)) return 'Must be valid Unicode text (found an unpaired surrogate)';
  return null;
}

/** Why `s` breaks rule 2 (which includes rule 1), or null. */
export function labelProblem(s: string): string | null {
  const found = NOT_IN_LABELS.exec(s)?.[0];
  if (found !== undefined) {
    return `Must be one line without control or bidirectional formatting characters (found ${codePoint(found)})`;
  }
  return textProblem(s);
}

/** Rule 1 as a zod check; `isText` tells a test whether a string schema carries it. */
export const textCheck = z.superRefine<string>((s, ctx) => {
  const p = textProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: p, input: s });
});
/** Rule 2 as a zod check. */
export const labelCheck = z.superRefine<string>((s, ctx) => {
  const p = labelProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: p, input: s });
});

/** Any string the API accepts: build every request string from this (or `Label`). */
export const Text = z.string().check(textCheck);

/** A name or title people see: trimmed, one line, 1 to `max` characters. */
export const Label = (max: number) =>
  z
    .string()
    .trim()
    .check(labelCheck)
    .min(1, 'Must not be empty')
    .max(max, `Must be at most ${max} characters`);

/** JSON bodies nest at most this deep: no request of ours needs more than a few levels. */
export const MAX_INPUT_DEPTH = 32;

/** Where in a parsed request (params, query string, body) a rule is broken. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * The first string in `value` (object keys included) that breaks rule 1, or the first place nested
 * deeper than MAX_INPUT_DEPTH, with its dotted path. Walks with an explicit stack, so even nesting
 * too deep for the call stack is answered (JSON.stringify and most recursive code would overflow
 * on it: Better Auth's proxy did).
 */
export function findInputProblem(value: unknown): InputIssue | null {
  if (looksClean(value)) return null;
  const stack: Array<[unknown, string, number]> = [[value, '', 0]];
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop() as [unknown, string, number];
    if (typeof v === 'string') {
      const message = textProblem(v);
      if (message) return { path, message };
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (depth >= MAX_INPUT_DEPTH)
      return { path, message: `Must not nest more than ${MAX_INPUT_DEPTH} levels deep` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, String(i)), depth + 1]);
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const message = textProblem(key);
        if (message) return { path: join(path, key), message };
        stack.push([(v as Record<string, unknown>)[key], join(path, key), depth + 1]);
      }
    }
  }
  return null;
}

const join = (base: string, key: string) => (base ? `${base}.${key}` : key);

/** Any NUL or any surrogate (paired ones too): a cheap first look, without the `u` flag. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

/**
 * True when `value` surely breaks no rule: no string or key holds a NUL or a surrogate, and
 * nothing nests too deep. Every request passes here (the input guard), so it builds no paths and
 * no closures; only when it says no does findInputProblem walk again for the place and the reason.
 */
function looksClean(value: unknown): boolean {
  if (typeof value === 'string') return !SUSPECT.test(value);
  if (value === null || typeof value !== 'object') return true;
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (typeof v === 'string') {
      if (SUSPECT.test(v)) return false;
      continue;
    }
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (depth >= MAX_INPUT_DEPTH) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        values.push(v[i]);
        depths.push(depth + 1);
      }
    } else {
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (SUSPECT.test(key)) return false;
        values.push((v as Record<string, unknown>)[key]);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}
