import { z } from 'zod';
import { Id } from './common.ts';
import { MemberStatus } from './members.ts';
import { Role } from './roles.ts';
import { Text } from './text.ts';

/** Up to 100 addresses: an array, or one string pasted with commas, spaces, semicolons or newlines. */
export const InviteBody = z.strictObject({
  emails: z.union([z.array(Text.max(320)).min(1).max(100), Text.min(1).max(40_000)]),
  role: Role.default('viewer'),
});
export type InviteBody = z.infer<typeof InviteBody>;

export const inviteOutcomes = ['invited', 'already_member', 'already_invited'] as const;
export const InviteResult = z.object({
  results: z.array(
    z.object({
      email: z.string(),
      outcome: z.enum(inviteOutcomes),
      invitationId: z.string().optional(),
    }),
  ),
});
export type InviteResult = z.infer<typeof InviteResult>;

export const InvitationParams = z.object({ ws: Id, id: Id });
export const TokenParams = z.object({
  token: Text.min(16)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid token'),
});

export const Invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: Role,
  status: MemberStatus,
  expiresAt: z.string(),
});

export const InvitationPreview = z.object({
  workspace: z.object({ id: z.string(), name: z.string() }),
  inviter: z.object({ name: z.string(), email: z.string() }).nullable(),
  email: z.string(),
  role: Role,
  expiresAt: z.string(),
});
export type InvitationPreview = z.infer<typeof InvitationPreview>;

export const AcceptResult = z.object({
  workspace: z.object({ id: z.string(), name: z.string() }),
  role: Role,
  status: z.literal('active'),
});

/** Roles an invite link can give: anything but Super Admin (that needs a Super Admin's invitation). */
export const linkRoles = ['developer', 'creator', 'viewer'] as const;
export const LinkRole = z.enum(linkRoles, { message: 'An invite link gives Developer, Creator or Viewer' });

/** The workspace's invite link (SPEC §4.3), as Super Admins see it. */
export const InviteLink = z.object({
  url: z.string().describe('The link to share: `<PUBLIC_URL>/join/<token>`'),
  token: z.string(),
  enabled: z.boolean(),
  role: Role.describe('The role people who join through the link get'),
  expiresAt: z.string().nullable().describe('ISO 8601; null: never'),
  maxUses: z.number().int().nullable().describe('null: unlimited'),
  uses: z.number().int().describe('Joins and join requests through this link since it was last rotated'),
});
export type InviteLink = z.infer<typeof InviteLink>;

export const UpdateInviteLinkBody = z
  .strictObject({
    enabled: z.boolean().optional(),
    role: LinkRole.optional(),
    expiresAt: Text.pipe(z.iso.datetime({ offset: true, message: 'Must be an ISO 8601 date-time' }))
      .nullable()
      .optional()
      .describe('When the link stops working (in the future); null: never'),
    maxUses: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .nullable()
      .optional()
      .describe('How many joins the link allows, counting from its last rotation; null: unlimited'),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });
export type UpdateInviteLinkBody = z.infer<typeof UpdateInviteLinkBody>;

export const LinkTokenParams = z.object({
  linkToken: Text.min(16)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'Not a valid token'),
});

/** What `/join/:token` shows before anyone signs in. */
export const JoinLinkPreview = z.object({
  workspace: z.object({ id: z.string(), name: z.string() }),
  role: Role,
  requiresApproval: z.boolean().describe('Joining creates a request a Super Admin approves'),
});
export type JoinLinkPreview = z.infer<typeof JoinLinkPreview>;

export const JoinResult = z.object({
  status: z.enum(['active', 'requested']),
  workspace: z.object({ id: z.string(), name: z.string() }),
  role: Role,
  joinRequestId: z.string().optional().describe('When `requested`: the pending request'),
});
export type JoinResult = z.infer<typeof JoinResult>;
