import { type AuditAction, auditActionNames, auditActions } from '../../../../src/contract/index.ts';

/** Each audit action as a short name (the filter), from the shared contract. */
export const auditActionLabels = auditActionNames;

export const auditActionOptions = auditActions.map((a) => ({ value: a, label: auditActionLabels[a] }));

export function isAuditAction(value: string | null): value is AuditAction {
  return value !== null && (auditActions as readonly string[]).includes(value);
}

export function actionColor(action: AuditAction): string {
  if (action.endsWith('.revoke') || action === 'member.remove' || action === 'member.leave') return 'red';
  if (action.startsWith('invitation.') || action.startsWith('invite_link.')) return 'blue';
  if (action === 'join_request.deny') return 'orange';
  if (action.startsWith('join_request.')) return 'violet';
  if (action.startsWith('api_key.')) return 'cyan';
  if (action === 'seats.change') return 'teal';
  if (action === 'account.delete' || action === 'item.purge' || action === 'caption.delete') return 'red';
  if (action === 'item.trash') return 'orange';
  if (action.startsWith('workspace.')) return 'brand';
  if (action === 'item.grant_remove') return 'orange';
  if (action === 'share_page.unpublish') return 'orange';
  if (
    action.startsWith('item.') ||
    action.startsWith('items.') ||
    action.startsWith('share_page.') ||
    action.startsWith('video.') ||
    action.startsWith('caption.')
  )
    return 'grape';
  return 'brand';
}

/** The server labels people "Name <email>": split it so the name can lead. */
export function splitPersonLabel(label: string): { name: string; email: string | null } {
  const match = /^(.*\S)\s*<([^<>]+)>$/.exec(label);
  return match ? { name: match[1] as string, email: match[2] as string } : { name: label, email: null };
}
