import { sql } from 'kysely';
import type { Conn, Dialect } from './db.ts';

/** The domain of `user.email` exactly as the index of migration 0012 computes it. */
const domainOf = (dialect: Dialect) =>
  dialect === 'postgres'
    ? sql<string>`split_part(u.email, '@', 2)`
    : sql<string>`substr(u.email, instr(u.email, '@') + 1)`;

const verified = (dialect: Dialect) => (dialect === 'postgres' ? sql.lit(true) : sql.lit(1));

/**
 * People with a verified email at `domain` who are not members of the workspace, not invited (a
 * pending invitation, expired or not), not asking to join (a pending request that has not lapsed
 * by `now`: a lapsed one can no longer be decided) and not dismissed: one range of
 * `user_email_domain_idx` in email order (keyset after `afterEmail`), each candidate checked
 * against the workspace's own indexes. Ordered by email alone: the domain is fixed by the
 * equality, so the index's rows are in email order already (ordering by the domain too made
 * SQLite sort them all).
 */
export function suggestionsQuery(
  conn: Conn,
  dialect: Dialect,
  workspaceId: string,
  q: { domain: string; afterEmail: string | null; limit: number; now: number; userId?: string },
) {
  return conn
    .selectFrom('user as u')
    .select(['u.id', 'u.email', 'u.name'])
    .where(domainOf(dialect), '=', q.domain)
    .where(sql.ref('u.emailVerified'), '=', verified(dialect))
    .$if(q.afterEmail !== null, (b) => b.where('u.email', '>', q.afterEmail as string))
    .$if(q.userId !== undefined, (b) => b.where('u.id', '=', q.userId as string))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('memberships as m')
            .select('m.user_id')
            .where('m.workspace_id', '=', workspaceId)
            .whereRef('m.user_id', '=', 'u.id'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('invitations as i')
            .select('i.id')
            .where('i.workspace_id', '=', workspaceId)
            .where('i.status', '=', sql.lit('pending'))
            .whereRef('i.email', '=', 'u.email'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('join_requests as r')
            .select('r.id')
            .where('r.workspace_id', '=', workspaceId)
            .where('r.status', '=', sql.lit('pending'))
            .where('r.expires_at', '>', q.now)
            .whereRef('r.user_id', '=', 'u.id'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('suggestion_dismissals as d')
            .select('d.user_id')
            .where('d.workspace_id', '=', workspaceId)
            .whereRef('d.user_id', '=', 'u.id'),
        ),
      ),
    )
    .orderBy('u.email')
    .limit(q.limit + 1);
}

export async function listSuggestions(...args: Parameters<typeof suggestionsQuery>) {
  return suggestionsQuery(...args).execute();
}

/** Records a dismissal; false when the person was dismissed already (by a call at the same time). */
export async function insertDismissal(
  conn: Conn,
  row: { workspaceId: string; userId: string; dismissedBy: string },
  now: number,
): Promise<boolean> {
  const res = await conn
    .insertInto('suggestion_dismissals')
    .values({
      workspace_id: row.workspaceId,
      user_id: row.userId,
      dismissed_by: row.dismissedBy,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}
