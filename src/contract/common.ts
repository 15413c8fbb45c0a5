import { z } from 'zod';

/** Opaque ids: 1-64 url-safe characters. Anything else is a validation error, never a 500. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid id');

/** Names of things people see: trimmed, 1-100 characters. */
export const Name = z.string().trim().min(1, 'Must not be empty').max(100, 'Must be at most 100 characters');

/** Emails are compared case-insensitively: trimmed and lower-cased before anything else. */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Not a valid email address' }).max(254));
