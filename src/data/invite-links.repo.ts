import { type Selectable, sql } from 'kysely';
import type { Role } from '../contract/roles.ts';
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

/** The workspace's first link; none is made twice (a concurrent first view keeps the row it finds). */
export async function insertInviteLink(
  conn: Conn,
  row: { workspaceId: string; nonce: string; tokenHash: string; createdBy: string },
  now: number,
): Promise<void> {
  await conn
    .insertInto('invite_links')
    .values({
      workspace_id: row.workspaceId,
      nonce: row.nonce,
      token_hash: row.tokenHash,
      enabled: 1,
      role: 'viewer',
      expires_at: null,
      max_uses: null,
      uses: 0,
      created_by: row.createdBy,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
}

export type InviteLinkPatch = Partial<
  Pick<InviteLinkRow, 'enabled' | 'role' | 'expires_at' | 'max_uses' | 'nonce' | 'token_hash' | 'uses'>
>;

export async function updateInviteLink(
  conn: Conn,
  workspaceId: string,
  patch: InviteLinkPatch,
  now: number,
): Promise<void> {
  await conn
    .updateTable('invite_links')
    .set({ ...patch, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .execute();
}

/** The link a token stands for, with its workspace's name and approval setting. */
export async function findInviteLinkByTokenHash(conn: Conn, tokenHash: string) {
  return conn
    .selectFrom('invite_links as l')
    .innerJoin('workspaces as w', 'w.id', 'l.workspace_id')
    .select([
      'l.workspace_id',
      'l.enabled',
      'l.role',
      'l.expires_at',
      'l.max_uses',
      'l.uses',
      'w.name as workspace_name',
      'w.require_approval',
    ])
    .where('l.token_hash', '=', tokenHash)
    .executeTakeFirst() as Promise<
    | (Pick<InviteLinkRow, 'workspace_id' | 'enabled' | 'expires_at' | 'max_uses' | 'uses'> & {
        role: Role;
        workspace_name: string;
        require_approval: number;
      })
    | undefined
  >;
}

/**
 * Counts one use of a live link, atomically: only an enabled, unexpired link with uses to spare
 * and this token (a rotation changes it) counts up. Run it in the transaction of the join it pays
 * for, so a refused join gives the use back. False: the link is dead (or just used up).
 */
export async function claimLinkUse(conn: Conn, tokenHash: string, now: number): Promise<boolean> {
  const res = await conn
    .updateTable('invite_links')
    .set({ uses: sql`uses + 1` })
    .where('token_hash', '=', tokenHash)
    .where('enabled', '=', 1)
    .where((e) => e.or([e('expires_at', 'is', null), e('expires_at', '>', now)]))
    .where((e) => e.or([e('max_uses', 'is', null), e('uses', '<', e.ref('max_uses'))]))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
