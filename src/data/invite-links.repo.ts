import { type Selectable, sql } from 'kysely';
import type { Conn } from './db.ts';
import type { InviteLinksTable } from './schema.ts';

export type InviteLinkRow = Selectable<InviteLinksTable>;

export async function findInviteLink(conn: Conn, workspaceId: string): Promise<InviteLinkRow | undefined> {
  return conn
    .selectFrom('invite_links')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

export type InviteLinkPatch = Partial<
  Pick<InviteLinkRow, 'enabled' | 'role' | 'expires_at' | 'max_uses' | 'nonce' | 'uses'>
>;

/** Writes the link's settings: the row is made (with the defaults for the rest) if there is none. */
export async function upsertInviteLink(
  conn: Conn,
  workspaceId: string,
  patch: InviteLinkPatch,
  createdBy: string,
  now: number,
): Promise<void> {
  await conn
    .insertInto('invite_links')
    .values({ workspace_id: workspaceId, ...patch, created_by: createdBy, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ ...patch, updated_at: now }))
    .execute();
}

/** The workspace a link names, with its approval setting and the link's row (null: defaults). */
export async function findJoinTarget(conn: Conn, workspaceId: string) {
  return conn
    .selectFrom('workspaces as w')
    .leftJoin('invite_links as l', 'l.workspace_id', 'w.id')
    .select([
      'w.id',
      'w.name',
      'w.require_approval',
      'l.workspace_id as link_row',
      'l.nonce',
      'l.enabled',
      'l.role',
      'l.expires_at',
      'l.max_uses',
      'l.uses',
    ])
    .where('w.id', '=', workspaceId)
    .executeTakeFirst();
}

/**
 * Counts one use of a live link, atomically: only an enabled, unexpired link with uses to spare
 * and the nonce the token was made with (a rotation changes it) counts up; a workspace without a
 * row yet gets one, with its first use. Run it in the transaction of the join it pays for, so a
 * refused join gives the use back. False: the link is dead (or was just used up or rotated).
 */
export async function claimLinkUse(conn: Conn, workspaceId: string, nonce: string, now: number) {
  const row = await conn
    .insertInto('invite_links')
    .values({ workspace_id: workspaceId, uses: 1, created_by: null, created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('workspace_id')
        .doUpdateSet({ uses: sql`invite_links.uses + 1` })
        .where(sql<boolean>`invite_links.nonce = ${nonce}`)
        .where(sql<boolean>`invite_links.enabled = 1`)
        .where(sql<boolean>`(invite_links.expires_at IS NULL OR invite_links.expires_at > ${now})`)
        .where(sql<boolean>`(invite_links.max_uses IS NULL OR invite_links.uses < invite_links.max_uses)`),
    )
    .returning('uses')
    .executeTakeFirst();
  // No row yet: the caller checked the token against the defaults (nonce ''), which the new row has.
  return row !== undefined;
}
