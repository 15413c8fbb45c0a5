import type { AuditAction } from '../contract/audit.ts';
import type { Conn } from './db.ts';
import { newId } from './ids.ts';
import { rowInserter } from './reusable-query.ts';
import type { WritePart } from './write-together.ts';

export interface AuditEntry {
  workspaceId: string;
  actor: { id: string | null; label: string };
  action: AuditAction;
  target: { type: string; id: string | null; label: string };
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

const insertRows = rowInserter('audit_events', [
  'id',
  'workspace_id',
  'actor_id',
  'actor_label',
  'action',
  'target_type',
  'target_id',
  'target_label',
  'before',
  'after',
  'created_at',
]);

const rowsOf = (entries: AuditEntry[], now: number) =>
  entries.map((e) => ({
    id: newId(now),
    workspace_id: e.workspaceId,
    actor_id: e.actor.id,
    actor_label: e.actor.label,
    action: e.action,
    target_type: e.target.type,
    target_id: e.target.id,
    target_label: e.target.label,
    before: json(e.before),
    after: json(e.after),
    created_at: now,
  }));

/** Records what changed, who changed it and when. Call it in the transaction of the change. */
export async function insertAuditEvents(conn: Conn, entries: AuditEntry[], now: number): Promise<void> {
  await insertRows(conn, rowsOf(entries, now));
}

/** `insertAuditEvents` as a part of a use case's `writeTogether`. */
export const auditPart = (entries: AuditEntry[], now: number): WritePart =>
  insertRows.part(rowsOf(entries, now));

/** Newest first, keyset by id (ids sort by time). */
export async function listAuditEvents(
  conn: Conn,
  workspaceId: string,
  q: { beforeId: string | null; action: AuditAction | null; actorId: string | null; limit: number },
) {
  return conn
    .selectFrom('audit_events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .$if(q.beforeId !== null, (b) => b.where('id', '<', q.beforeId as string))
    .$if(q.action !== null, (b) => b.where('action', '=', q.action as string))
    .$if(q.actorId !== null, (b) => b.where('actor_id', '=', q.actorId as string))
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
}
