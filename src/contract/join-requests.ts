import { z } from 'zod';
import { Id } from './common.ts';
import { Role } from './roles.ts';
import { Text } from './text.ts';

export const joinRequestStatuses = ['pending', 'approved', 'denied'] as const;
export const JoinRequestStatus = z.enum(joinRequestStatuses);
export type JoinRequestStatus = z.infer<typeof JoinRequestStatus>;

/** A request to join through the invite link while approval is required (SPEC §4.4). */
export const JoinRequest = z.object({
  id: z.string(),
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role.describe('The role the person gets when approved (the link’s role when they asked)'),
  status: JoinRequestStatus,
  createdAt: z.string(),
  expiresAt: z.string().describe('A pending request lapses after 14 days'),
});
export type JoinRequest = z.infer<typeof JoinRequest>;

export const JoinRequestList = z.object({
  joinRequests: z.array(JoinRequest),
  nextCursor: z.string().nullable(),
});
export type JoinRequestList = z.infer<typeof JoinRequestList>;

export const JoinRequestsQuery = z.object({
  cursor: Text.max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const JoinRequestParams = z.object({ ws: Id, id: Id });
