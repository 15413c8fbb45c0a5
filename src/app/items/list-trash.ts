import type { TrashedItem, TrashList } from '../../contract/items.ts';
import { isoTime } from '../../contract/time.ts';
import { loadChains } from '../../data/access.repo.ts';
import type { Db } from '../../data/db.ts';
import { listTrash as listTrashRows, type TrashedRow } from '../../data/items.repo.ts';
import { allows, effectivePermission, TRASH_MS } from '../../domain/access.ts';
import type { Clock } from '../../infra/clock.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess } from '../gate.ts';
import { decodeNumberedCursor, encodeCursor } from '../members/cursor.ts';

const DAY = 24 * 60 * 60 * 1000;
/** Batches read to fill one page for someone who may restore few of the workspace's deleted items. */
const MAX_BATCHES = 10;

export function presentTrashed(r: TrashedRow, now: number): TrashedItem {
  const trashedAt = r.trashedAt ?? now;
  const purgeAt = trashedAt + TRASH_MS;
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    kind: r.kind,
    title: r.title,
    parentId: r.parentId,
    ownerId: r.ownerId,
    ownerName: r.ownerName,
    trashedAt: isoTime(trashedAt),
    trashedBy: r.trashedBy ? { id: r.trashedBy, name: r.trashedByName ?? 'A former member' } : null,
    purgeAt: isoTime(purgeAt),
    daysLeft: Math.max(0, Math.ceil((purgeAt - now) / DAY)),
  };
}

/**
 * The workspace trash (SPEC §5): the deleted items the caller may restore (whoever could delete
 * them: the same decision over each one's folders), newest deletion first. Each page reads the
 * deleted items in batches and their chains in one set-based query per batch.
 */
export async function listTrash(
  deps: { db: Db; clock: Clock },
  actor: WorkspaceActor,
  input: { cursor?: string; limit: number },
): Promise<TrashList> {
  const role = requireAccess(actor, 'items:list');
  const member = { userId: actor.userId, role };
  const raw = input.cursor ? decodeNumberedCursor(input.cursor, 2) : null;
  let after: [number, string] | null = raw ? [raw[0], raw[1] as string] : null;
  const now = deps.clock.now();
  const items: TrashedItem[] = [];
  const cursorAt = (at: [number, string] | null) => (at ? encodeCursor([String(at[0]), at[1]]) : null);
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const rows = await listTrashRows(deps.db, actor.workspaceId, { after, limit: input.limit });
    const page = rows.slice(0, input.limit);
    const chains =
      role === 'super_admin'
        ? null
        : await loadChains(
            deps.db,
            page.map((r) => r.id),
            actor.userId,
          );
    for (const r of page) {
      // A full page with more rows to come: the next page starts after the last one read.
      if (items.length === input.limit) return { items, nextCursor: cursorAt(after) };
      after = [r.trashedAt ?? 0, r.id];
      const loaded = chains?.get(r.id);
      const p =
        chains === null ? 'edit' : loaded ? effectivePermission({ member, chain: loaded.chain }) : 'none';
      if (allows(p, 'item:restore')) items.push(presentTrashed(r, now));
    }
    if (rows.length <= input.limit) return { items, nextCursor: null };
  }
  // Many deleted items this caller may not restore: a short page, and the rest after it.
  return { items, nextCursor: cursorAt(after) };
}
