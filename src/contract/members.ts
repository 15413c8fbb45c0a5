import { z } from 'zod';
import { Id } from './common.ts';
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
  expiresAt: z
    .string()
    .optional()
    .describe('Invitations: when the link stops working; join requests: when the request lapses'),
});
export type MemberRow = z.infer<typeof MemberRow>;

export const MembersPage = z.object({
  members: z.array(MemberRow),
  nextCursor: z.string().nullable(),
  seats: z.number().int(),
  seatsUsed: z.number().int(),
  superAdmins: z
    .number()
    .int()
    .describe('How many Super Admins the workspace has (the last one cannot be demoted, removed or leave)'),
});
export type MembersPage = z.infer<typeof MembersPage>;

export const MembersQuery = z.object({
  q: Text.trim().max(100).optional(),
  cursor: Text.max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const MemberParams = z.object({ ws: Id, userId: Id });

export const UpdateMemberBody = z.strictObject({ role: Role });
