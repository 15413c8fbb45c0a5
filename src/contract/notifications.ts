import { z } from 'zod';
import { Id } from './common.ts';
import { ItemKind, Permission } from './items.ts';
import { Role } from './roles.ts';
import { Text } from './text.ts';

const WorkspaceRef = z.object({ id: z.string(), name: z.string() });
const Person = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const notificationKinds = [
  'join_request',
  'join_request_approved',
  'join_request_denied',
  'invitation_accepted',
  'item_shared',
  'seat_limit_reached',
] as const;
export const NotificationKind = z.enum(notificationKinds);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** What each kind carries in `data`. */
export const notificationData = {
  /** To each Super Admin: someone asked to join through the invite link. */
  join_request: z.object({
    workspace: WorkspaceRef,
    requester: Person,
    role: Role,
    joinRequestId: z.string(),
    requestStatus: z
      .enum(['pending', 'approved', 'denied', 'expired'])
      .describe('The request as it is now (decided by anyone since)'),
    requestExpiresAt: z
      .string()
      .optional()
      .describe('While pending: when the request lapses (ISO 8601), unless approved or denied first'),
  }),
  /** To the requester. */
  join_request_approved: z.object({ workspace: WorkspaceRef, role: Role }),
  /** To the requester. */
  join_request_denied: z.object({ workspace: WorkspaceRef }),
  /** To the inviter. */
  invitation_accepted: z.object({ workspace: WorkspaceRef, member: Person, role: Role }),
  /** To the member an item was shared with (or whose access was raised). */
  item_shared: z.object({
    workspace: WorkspaceRef,
    item: z.object({ id: z.string(), title: z.string(), kind: ItemKind }),
    permission: Permission,
    sharedBy: z.object({ id: z.string(), name: z.string() }),
  }),
  /** To each Super Admin: the last seat was taken, or someone could not join for want of one. */
  seat_limit_reached: z.object({
    workspace: WorkspaceRef,
    seats: z.number().int(),
    seatsUsed: z.number().int(),
    turnedAway: z.object({ name: z.string(), email: z.string() }).nullable(),
  }),
} satisfies Record<NotificationKind, z.ZodType>;
export type NotificationData<K extends NotificationKind> = z.infer<(typeof notificationData)[K]>;

const base = {
  id: z.string(),
  seq: z.number().int().describe("The notification's number among yours (1, 2, 3, ...): the SSE event id"),
  workspaceId: z.string(),
  read: z.boolean(),
  createdAt: z.string(),
};

/** A notification: `{id, kind, read, createdAt, data}` (SPEC §10), and its `seq` and workspace. */
export const Notification = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('join_request'), data: notificationData.join_request }),
  z.object({
    ...base,
    kind: z.literal('join_request_approved'),
    data: notificationData.join_request_approved,
  }),
  z.object({ ...base, kind: z.literal('join_request_denied'), data: notificationData.join_request_denied }),
  z.object({ ...base, kind: z.literal('invitation_accepted'), data: notificationData.invitation_accepted }),
  z.object({ ...base, kind: z.literal('item_shared'), data: notificationData.item_shared }),
  z.object({ ...base, kind: z.literal('seat_limit_reached'), data: notificationData.seat_limit_reached }),
]);
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({
  notifications: z.array(Notification),
  nextCursor: z.string().nullable(),
  unread: z.number().int().describe('Unread notifications in all (for the bell)'),
});
export type NotificationList = z.infer<typeof NotificationList>;

export const NotificationsQuery = z.object({
  cursor: Text.max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('`true`: only unread ones'),
});

export const MarkReadBody = z.union([
  z.strictObject({ ids: z.array(Id).min(1).max(500) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type MarkReadBody = z.infer<typeof MarkReadBody>;

export const MarkReadResult = z.object({
  marked: z.number().int().describe('How many turned read'),
  unread: z.number().int(),
});
export type MarkReadResult = z.infer<typeof MarkReadResult>;
