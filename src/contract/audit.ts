import { z } from 'zod';
import { Id } from './common.ts';
import { Text } from './text.ts';

export const auditActions = [
  'workspace.create',
  'account.delete',
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
  'item.trash',
  'item.restore',
  'item.purge',
  'invite_link.update',
  'invite_link.rotate',
  'invite_link.join',
  'join_request.create',
  'join_request.approve',
  'join_request.deny',
  'share_page.publish',
  'share_page.unpublish',
  'share_page.password',
  'share_page.settings',
  'item.create',
  'item.rename',
  'item.move',
  'video.upload',
  'video.poster',
  'caption.create',
  'caption.update',
  'caption.delete',
  'suggestion.dismiss',
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
