import type { Role } from '../contract/roles.ts';
import type { Conn } from '../data/db.ts';
import { findMembership } from '../data/members.repo.ts';
import { DomainError } from '../domain/errors.ts';
import { type Capability, can } from '../domain/roles.ts';

/** The authenticated caller. `membership` is set when the request addresses a workspace. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  /** Set for API keys: the one workspace the key works in. */
  keyWorkspaceId?: string;
}

export interface WorkspaceActor extends Actor {
  workspaceId: string;
  /** null: not a member of the addressed workspace. */
  role: Role | null;
  /**
   * The workspace's members version, read with the caller's role (null when unknown): keys the
   * members-page cache.
   */
  membersVersion: number | null;
}

/**
 * The first check of every workspace use case: a non-member learns nothing (404, as if the
 * workspace did not exist); a member without the capability is refused (403).
 */
export function authorize(actor: WorkspaceActor, capability: Capability): Role {
  if (actor.role === null) throw new DomainError('not_found', 'Workspace not found');
  if (!can(actor.role, capability)) {
    throw new DomainError('forbidden', `Your role (${actor.role}) does not allow this (${capability})`);
  }
  return actor.role;
}

/** Same as authorize, for reads every member may do. */
export function requireMember(actor: WorkspaceActor): Role {
  if (actor.role === null) throw new DomainError('not_found', 'Workspace not found');
  return actor.role;
}

/**
 * Authorization again, inside the transaction and under the workspace lock, for changes whose
 * rights could have been taken away between the request's first check and the lock (two Super
 * Admins demoting each other at the same moment).
 */
export async function reauthorize(tx: Conn, actor: WorkspaceActor, capability: Capability): Promise<Role> {
  const current = await findMembership(tx, actor.workspaceId, actor.userId);
  return authorize({ ...actor, role: current?.role ?? null }, capability);
}
