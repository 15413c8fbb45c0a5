import { Email } from '../../../../src/contract/index.ts';

export const MAX_INVITES = 100;

/**
 * Splits pasted addresses the way the server does (commas, semicolons, spaces, newlines; `<a@b.c>`
 * brackets dropped; lower-cased; repeats dropped), so the dialog can count them as they're typed.
 */
export function parseEmails(text: string): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(/[\s,;]+/)) {
    if (!part) continue;
    const parsed = Email.safeParse(part.replace(/^<|>$/g, ''));
    if (!parsed.success) {
      if (!invalid.includes(part)) invalid.push(part);
      continue;
    }
    if (!seen.has(parsed.data)) {
      seen.add(parsed.data);
      valid.push(parsed.data);
    }
  }
  return { valid, invalid };
}
