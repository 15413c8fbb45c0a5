import type { AuditAction, AuditEvent } from '../../contract/audit.ts';
import { isoTime } from '../../contract/time.ts';
import { listAuditEvents as listAuditRows } from '../../data/audit.repo.ts';
import type { Db } from '../../data/db.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { decodeCursor, encodeCursor } from '../members/cursor.ts';

const parse = (v: string | null) => (v === null ? null : JSON.parse(v));

export async function listAuditEvents(
  deps: { db: Db },
  actor: WorkspaceActor,
  input: { cursor?: string; action?: AuditAction; actorId?: string; limit: number },
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  requireAccess(actor, 'audit:view');
  const beforeId = input.cursor ? (decodeCursor(input.cursor, 1)[0] as string) : null;
  const rows = await listAuditRows(deps.db, actor.workspaceId, {
    beforeId,
    action: input.action ?? null,
    actorId: input.actorId ?? null,
    limit: input.limit,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    events: page.map((r) => ({
      id: r.id,
      action: r.action as AuditAction,
      actor: { id: r.actor_id, label: r.actor_label },
      target: { type: r.target_type, id: r.target_id, label: r.target_label },
      before: parse(r.before),
      after: parse(r.after),
      createdAt: isoTime(r.created_at),
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.id]) : null,
  };
}
