import { z } from 'zod';
import { Text } from './text.ts';

/** Share Page passwords: what a person types to watch, not an account password. */
export const SharePassword = Text.min(4, 'Must be at least 4 characters').max(
  128,
  'Must be at most 128 characters',
);

export const SharePage = z.object({
  itemId: z.string(),
  published: z.boolean(),
  /** While published: the slug of the public URL (at least 96 random bits). */
  slug: z.string().nullable(),
  url: z.string().nullable().describe('The public page, /v/:slug, while published'),
  embedUrl: z.string().nullable().describe('The embeddable player, /embed/:slug, while published'),
  publishedAt: z.string().nullable(),
  hasPassword: z.boolean(),
  allowDownload: z.boolean(),
  expiresAt: z.string().nullable(),
  /** True when published but past `expiresAt`: the public URL answers 404. */
  expired: z.boolean(),
  views: z.number().int().describe('Views of the public page (not the workspace’s own)'),
  /** Whether a file is there to publish. */
  hasVideo: z.boolean(),
});
export type SharePage = z.infer<typeof SharePage>;

export const UpdateSharePageBody = z
  .strictObject({
    password: SharePassword.nullable().optional().describe('A new password, or null to remove it'),
    published: z.boolean().optional(),
    allowDownload: z.boolean().optional(),
    expiresAt: Text.check(z.iso.datetime({ offset: true, message: 'Must be an ISO 8601 date-time' }))
      .nullable()
      .optional()
      .describe('The public URL stops working at this time; null: never'),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Nothing to change' });
export type UpdateSharePageBody = z.infer<typeof UpdateSharePageBody>;

export const PublicSlugParams = z.object({
  slug: Text.min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid link'),
});

export const PublicCaptionParams = PublicSlugParams.extend({
  trackId: Text.min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid id'),
});

/** What the public page shows: the title and the rest only once unlocked. */
export const PublicVideo = z.object({
  locked: z.boolean().describe('A password is needed first (POST .../unlock)'),
  title: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fileUrl: z.string().nullable(),
  posterUrl: z.string().nullable(),
  downloadUrl: z.string().nullable().describe('Only when the owner allows downloads'),
  captions: z.array(z.object({ id: z.string(), language: z.string(), label: z.string(), url: z.string() })),
});
export type PublicVideo = z.infer<typeof PublicVideo>;

export const UnlockBody = z.strictObject({ password: Text.min(1, 'Enter the password').max(128) });
