/**
 * The one access gate (docs/ARCHITECTURE.md, "Authorization"). Every credential arrives as an
 * `Actor`; every use case asks this module before it reads or writes, and nothing else reads a
 * credential's reach. A key made in one workspace is a stranger everywhere else, on every route,
 * present or future: the workspace, item and account checks below all apply it in one place
 * (`domain/credentials.ts`), and test/access-matrix.test.ts holds every registered route to it.
 */
import type { EffectivePermission } from '../contract/items.ts';
import type { Role } from '../contract/roles.ts';
import { type ItemFacts, type LoadedChain, loadChains } from '../data/access.repo.ts';
import type { Conn, Dialect } from '../data/db.ts';
import { lockWithMembershipPair, type MembershipRow } from '../data/members.repo.ts';
import {
  allows,
  effectivePermission,
  type ItemAction,
  permissionAtRoot,
  trashAllows,
} from '../domain/access.ts';
import {
  type AccountAction,
  confinedTo,
  decideAccountAction,
  decidePublicAction,
  decideWorkspaceAction,
  type PublicAction,
  type PublicPageFacts,
  roleWithin,
  type WorkspaceAction,
} from '../domain/credentials.ts';
import { DomainError, forbidden } from '../domain/errors.ts';
import { type Actor, inWorkspace, type Visitor, type WorkspaceActor } from './actor.ts';

/** What the item checks read of the caller. */
export type ItemCaller = Pick<Actor, 'userId' | 'credential'>;

/** The caller of a route that read its session in its own query (the one-query item read). */
export const sessionCaller = (userId: string): ItemCaller => ({ userId, credential: { kind: 'session' } });

export type { AccountAction, ItemAction, PublicAction, PublicPageFacts, WorkspaceAction };

/**
 * The caller's role for `action` in the workspace they address: 404 when the workspace is beyond
 * the credential's reach or they are not a member (as if it did not exist), 403 when the role or
 * the credential may not.
 */
export function requireAccess(actor: WorkspaceActor, action: WorkspaceAction): Role {
  const d = decideWorkspaceAction(actor.credential, actor.workspaceId, actor.memberRole, action);
  if (!d.allowed) throw new DomainError(d.code, d.reason);
  return d.role;
}

/**
 * Takes the workspace's lock for the rest of the transaction and runs `requireAccess` again under
 * it, for changes whose rights could have been taken away between the request's first check and
 * the lock (two Super Admins demoting each other at the same moment). Answers the membership of
 * `subjectId` (the member the change is about), read with the caller's own in the statement that
 * takes the lock (data/members.repo.ts `lockWithMembershipPair`). A workspace gone meanwhile is
 * refused as the gate refuses a non-member: 404.
 */
export async function requireAccessUnderLock(
  tx: Conn,
  dialect: Dialect,
  actor: WorkspaceActor,
  action: WorkspaceAction,
  subjectId: string,
): Promise<MembershipRow | undefined> {
  const [current, subject] = await lockWithMembershipPair(
    tx,
    dialect,
    actor.workspaceId,
    actor.userId,
    subjectId,
  );
  requireAccess(inWorkspace(actor, actor.workspaceId, current?.role ?? null, actor), action);
  return subject;
}

/**
 * For what a person does beyond one workspace (create one, accept an invitation, everything on the
 * account page): sessions only. Returns the id of the session asking (null when not known), so the
 * account page can tell "this device" from the others.
 */
export function requireAccountAccess(actor: Actor, action: AccountAction): { sessionId: string | null } {
  const d = decideAccountAction(actor.credential, action);
  if (!d.allowed) throw new DomainError(d.code, d.reason);
  return { sessionId: d.sessionId };
}

/**
 * Whose notifications the caller reads and marks, and from which workspace. Notifications belong
 * to a person: a session reads all of its user's; an API key only those about the workspace it was
 * made in (an integration may watch its workspace's join requests, never its owner's other ones).
 */
export function notificationReach(actor: Actor): { userId: string; workspaceId: string | null } {
  return { userId: actor.userId, workspaceId: confinedTo(actor.credential) };
}

/** Of the caller's workspaces, those the credential reaches (`GET /api/workspaces`, `/api/me`). */
export function withinReach<T extends { id: string }>(actor: Actor, workspaces: T[]): T[] {
  return workspaces.filter((w) => roleWithin(actor.credential, w.id, 'viewer') !== null);
}

/** The caller's role in an item's workspace as the credential may use it (null: none). */
function itemRole(actor: ItemCaller, facts: ItemFacts): Role | null {
  return roleWithin(actor.credential, facts.item.workspaceId, facts.role);
}

/** The caller's permission on an item whose facts are loaded: none beyond the credential's reach. */
export function permissionOn(actor: ItemCaller, facts: ItemFacts): EffectivePermission {
  const role = itemRole(actor, facts);
  return effectivePermission({ member: role ? { userId: actor.userId, role } : null, chain: facts.chain });
}

/** The caller's permission on the item were it at the library root (domain/access.ts `permissionAtRoot`). */
export function rootPermissionOn(actor: ItemCaller, facts: ItemFacts): EffectivePermission {
  const role = itemRole(actor, facts);
  const item = facts.chain[0];
  return role && item ? permissionAtRoot({ userId: actor.userId, role }, item) : 'none';
}

export interface AllowedItem<F extends ItemFacts = LoadedChain> {
  loaded: F;
  permission: EffectivePermission;
  role: Role;
}

/**
 * The check for facts already loaded (the one-query item read): an item the caller cannot view is
 * not found (404, never revealing that it exists); one they can view but not act on is 403.
 */
export function decideItem<F extends ItemFacts>(
  actor: ItemCaller,
  facts: F | null,
  action: ItemAction,
  what = 'Item',
): AllowedItem<F> {
  // A trashed item is gone (SPEC §5), but to restoring or purging it.
  if (
    facts &&
    !trashAllows(
      facts.item,
      action,
      facts.chain.some((link, i) => i > 0 && link.trashed),
    )
  )
    throw new DomainError('not_found', `${what} not found`);
  const role = facts ? itemRole(actor, facts) : null;
  const permission = facts ? permissionOn(actor, facts) : 'none';
  if (!facts || !role || permission === 'none') throw new DomainError('not_found', `${what} not found`);
  if (!allows(permission, action)) {
    throw forbidden(
      role === 'viewer'
        ? 'Viewers can only view content'
        : `You have ${permission} access to this ${what.toLowerCase()}; this needs edit access`,
    );
  }
  return { loaded: facts, permission, role };
}

/**
 * Loads many items' access facts in one set-based query (ids in, facts out) and checks `action` on
 * each: the first one refused throws, as `decideItem` does.
 */
export async function requireItems(
  conn: Conn,
  actor: Actor,
  action: ItemAction,
  itemIds: string[],
  what = 'Item',
): Promise<Map<string, AllowedItem>> {
  const chains = await loadChains(conn, itemIds, actor.userId);
  const out = new Map<string, AllowedItem>();
  for (const id of itemIds) out.set(id, decideItem(actor, chains.get(id) ?? null, action, what));
  return out;
}

/** `requireItems` for one item. */
export async function requireItem(
  conn: Conn,
  actor: Actor,
  action: ItemAction,
  itemId: string,
  what = 'Item',
): Promise<AllowedItem> {
  return (await requireItems(conn, actor, action, [itemId], what)).get(itemId) as AllowedItem;
}

/**
 * What a visitor of a public page may read (SPEC §6), decided here alone: a published, unexpired
 * video (else 404, the same for missing, unpublished, expired and never-existing slugs); its
 * password unlocked for its current version (else 401 `password_required`); downloads only when
 * allowed (403). Returns the facts for the caller's convenience.
 */
export function requirePublicVideo<F extends PublicPageFacts>(
  visitor: Visitor,
  facts: F | null,
  action: PublicAction,
  now: number,
): F {
  const d = decidePublicAction(visitor.credential, facts, action, now);
  if (!d.allowed) throw new DomainError(d.code, d.reason);
  return facts as F;
}

/** Whether the visitor may `action` (no error): what the public page offers. */
export function publicAllows(
  visitor: Visitor,
  facts: PublicPageFacts | null,
  action: PublicAction,
  now: number,
) {
  return decidePublicAction(visitor.credential, facts, action, now).allowed;
}
