import type { z } from 'zod';
import { ApiError } from './api.ts';

export type FieldErrors = Record<string, string>;

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Runs a zod schema over form values; the first message per top-level field, keyed by field name. */
export function validate<S extends z.ZodType>(schema: S, values: unknown): Validation<z.output<S>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '_form';
    if (!(key in errors)) errors[key] = issue.message;
  }
  return { ok: false, errors };
}

/**
 * Splits a server error into per-field messages (for fields this form shows) and, when nothing
 * matched a field, one form-level message.
 */
export function serverErrors(
  error: unknown,
  fields: readonly string[],
): { fields: FieldErrors; form?: string } {
  if (!(error instanceof ApiError))
    return { fields: {}, form: error instanceof Error ? error.message : undefined };
  const matched: FieldErrors = {};
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    if (fields.includes(field)) matched[field] = message;
  }
  return Object.keys(matched).length > 0 ? { fields: matched } : { fields: {}, form: error.detail };
}
