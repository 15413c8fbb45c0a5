import { z } from 'zod';
import { Id, Name } from './common.ts';
import { Role } from './roles.ts';
import { Text } from './text.ts';

export const memberStatuses = ['active', 'invite_sent', 'invite_expired', 'requested'] as const;
export const MemberStatus = z.enum(memberStatuses);
export type MemberStatus = z.infer<typeof MemberStatus>;

export const memberStatusLabels: Record<MemberStatus, string> = {
  active: 'Active',
  invite_sent: 'Invite Sent',
  invite_expired: 'Invite Expired',
  requested: 'Requested',
};

/** One row of the members view (SPEC §4.1): a member, an invitation or a join request. */
export const MemberRow = z.object({
  userId: z.string().optional(),
  invitationId: z.string().optional(),
  joinRequestId: z.string().optional(),
  email: z.string(),
  name: z.string().nullable().optional(),
  role: Role,
  status: MemberStatus,
  createdAt: z.string(),
  expiresAt: z.string().optional().describe('Invitations: when the link stops working'),
});
export type MemberRow = z.infer<typeof MemberRow>;

export const MembersPage = z.object({
  members: z.array(MemberRow),
  nextCursor: z.string().nullable(),
  seats: z.number().int(),
  seatsUsed: z.number().int(),
});
export type MembersPage = z.infer<typeof MembersPage>;

export const MembersQuery = z.object({
  q: Text.trim().max(100).optional(),
  cursor: Text.max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const MemberParams = z.object({ ws: Id, userId: Id });

export const UpdateMemberBody = z.strictObject({ role: Role });

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

export const Billing = z.object({
  seats: z.number().int(),
  seatsUsed: z.number().int(),
  purchases: z.array(
    z.object({
      id: z.string(),
      actor: z.object({ id: z.string().nullable(), name: z.string() }),
      seatsBefore: z.number().int(),
      seatsAfter: z.number().int(),
      provider: z.string(),
      reference: z.string(),
      createdAt: z.string(),
    }),
  ),
});
export type Billing = z.infer<typeof Billing>;

export const SetSeatsBody = z.strictObject({
  seats: z.number().int().min(1).max(100_000).describe('The new total seat count'),
});

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  owner: z.object({ id: z.string(), name: z.string() }),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKeyBody = z.strictObject({
  name: Name,
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});

export const CreatedApiKey = ApiKey.extend({ key: z.string().describe('Shown once; store it now') });
export const ApiKeyList = z.object({ apiKeys: z.array(ApiKey), nextCursor: z.string().nullable() });
export const ApiKeyParams = z.object({ ws: Id, keyId: Id });

export const auditActions = [
  'invitation.create',
  'invitation.resend',
  'invitation.revoke',
  'invitation.accept',
  'member.role_change',
  'member.remove',
  'member.leave',
  'seats.change',
  'api_key.create',
  'api_key.revoke',
  'workspace.update',
  'item.access_change',
  'item.grant',
  'item.grant_remove',
  'items.hand_over',
  'share_page.publish',
  'share_page.unpublish',
  'share_page.password',
  'share_page.settings',
] as const;
export const AuditAction = z.enum(auditActions);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEvent = z.object({
  id: z.string(),
  action: AuditAction,
  actor: z.object({ id: z.string().nullable(), label: z.string() }),
  target: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  createdAt: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = z.object({
  cursor: Text.max(100).optional(),
  action: AuditAction.optional(),
  actorId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const AuditPage = z.object({ events: z.array(AuditEvent), nextCursor: z.string().nullable() });
