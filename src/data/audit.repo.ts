import type { AuditAction } from '../contract/audit.ts';
import type { Conn } from './db.ts';
import { newId } from './ids.ts';
import { reusable } from './reusable-query.ts';

export interface AuditEntry {
  workspaceId: string;
  actor: { id: string | null; label: string };
  action: AuditAction;
  target: { type: string; id: string | null; label: string };
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** One entry, the usual case: compiled once (data/reusable-query.ts). */
const insertOne = reusable(
  (
    conn: Conn,
    id: string,
    workspaceId: string,
    actorId: string | null,
    actorLabel: string,
    action: string,
    targetType: string,
    targetId: string | null,
    targetLabel: string,
    before: string | null,
    after: string | null,
    now: number,
  ) =>
    conn.insertInto('audit_events').values({
      id,
      workspace_id: workspaceId,
      actor_id: actorId,
      actor_label: actorLabel,
      action,
      target_type: targetType,
      target_id: targetId,
      target_label: targetLabel,
      before,
      after,
      created_at: now,
    }),
);

/** Records what changed, who changed it and when. Call it in the transaction of the change. */
export async function insertAuditEvents(conn: Conn, entries: AuditEntry[], now: number): Promise<void> {
  if (entries.length === 0) return;
  const [e] = entries;
  if (entries.length === 1 && e) {
    await insertOne(
      conn,
      newId(now),
      e.workspaceId,
      e.actor.id,
      e.actor.label,
      e.action,
      e.target.type,
      e.target.id,
      e.target.label,
      json(e.before),
      json(e.after),
      now,
    );
    return;
  }
  await conn
    .insertInto('audit_events')
    .values(
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
      })),
    )
    .execute();
}

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
