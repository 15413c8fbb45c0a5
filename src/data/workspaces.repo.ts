import type { Insertable, Selectable } from 'kysely';
import type { Role } from '../contract/roles.ts';
import type { Conn } from './db.ts';
import { reusable } from './reusable-query.ts';
import type { WorkspacesTable } from './schema.ts';

export type WorkspaceRow = Selectable<WorkspacesTable>;

export async function insertWorkspace(conn: Conn, row: Insertable<WorkspacesTable>): Promise<void> {
  await conn.insertInto('workspaces').values(row).execute();
}

// On request paths: compiled once (data/reusable-query.ts).
const workspaceById = reusable((conn: Conn, workspaceId: string) =>
  conn.selectFrom('workspaces').selectAll().where('id', '=', workspaceId),
);
const workspacesOfUser = reusable((conn: Conn, userId: string) =>
  conn
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .selectAll('w')
    .select('m.role')
    .where('m.user_id', '=', userId)
    .orderBy('w.name')
    .orderBy('w.id'),
);

export async function findWorkspace(conn: Conn, workspaceId: string): Promise<WorkspaceRow | undefined> {
  return (await workspaceById(conn, workspaceId)).rows[0];
}

export async function listWorkspacesOfUser(
  conn: Conn,
  userId: string,
): Promise<(WorkspaceRow & { role: Role })[]> {
  return (await workspacesOfUser(conn, userId)).rows as (WorkspaceRow & { role: Role })[];
}

export type WorkspacePatch = Partial<Pick<WorkspaceRow, 'name' | 'require_approval' | 'company_domain'>>;

export async function updateWorkspace(conn: Conn, workspaceId: string, patch: WorkspacePatch, now: number) {
  await conn
    .updateTable('workspaces')
    .set({ ...patch, updated_at: now })
    .where('id', '=', workspaceId)
    .execute();
}

export async function deleteWorkspace(conn: Conn, workspaceId: string): Promise<void> {
  await conn.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
}

/** Verified emails of the workspace's Super Admins (a company domain must be one of theirs). */
export async function listSuperAdminVerifiedEmails(conn: Conn, workspaceId: string): Promise<string[]> {
  const rows = await conn
    .selectFrom('memberships as m')
    .innerJoin('user as u', 'u.id', 'm.user_id')
    .select(['u.email', 'u.emailVerified'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.role', '=', 'super_admin')
    .execute();
  return rows.filter((r) => r.emailVerified === true || r.emailVerified === 1).map((r) => r.email);
}
