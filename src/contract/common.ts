import { z } from 'zod';
import { Label, Text } from './text.ts';

/** Opaque ids: 1-64 url-safe characters. Anything else is a validation error, never a 500. */
export const Id = Text.min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid id')
  .meta({ example: '0193b4c2e5f67a8b9c0d1e2f3a4b5c6d' });

/** Names of things people see: trimmed, one line (the label rule of text.ts), 1-100 characters. */
export const Name = Label(100);

/** Emails are compared case-insensitively: trimmed and lower-cased before anything else. */
export const Email = Text.trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Not a valid email address' }).max(254))
  .meta({ example: 'ada@example.com' });
