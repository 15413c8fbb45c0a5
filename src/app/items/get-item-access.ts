import type { AccessReason, EffectivePermission, ItemAccess, Permission } from '../../contract/items.ts';
import type { Role } from '../../contract/roles.ts';
import {
  type AccessFacts,
  type ChainGrant,
  type LoadedChain,
  readAccessRows,
  readShareRows,
} from '../../data/access.repo.ts';
import type { Conn, Db } from '../../data/db.ts';
import { type ChainLink, effectivePermission } from '../../domain/access.ts';
import type { Actor } from '../actor.ts';
import { requireItem } from '../gate.ts';

interface Person {
  userId: string;
  name: string;
  email: string;
  role: Role;
  reasons: AccessReason[];
}

/**
 * "Who has access" (SPEC §5): everyone with access to the item and why: owner, Super Admins,
 * direct grants, grants inherited from folders, folder owners, and workspace-wide access (one
 * entry for the whole workspace). Each person's permission comes from the same decision as every
 * check, so a Viewer granted edit shows as view-only.
 */
export async function getItemAccess(deps: { db: Db }, actor: Actor, id: string): Promise<ItemAccess> {
  const { loaded } = await requireItem(deps.db, actor, 'item:view', id);
  return describeAccess(deps.db, loaded);
}

/** The part of the chain that passes access down: up to and including the nearest only_me ancestor. */
function reachOf(loaded: LoadedChain): LoadedChain['chain'] {
  const reach: LoadedChain['chain'] = [];
  for (let i = 0; i < loaded.chain.length; i++) {
    const link = loaded.chain[i] as LoadedChain['chain'][number];
    reach.push(link);
    if (i > 0 && link.generalAccess === 'only_me') break;
  }
  return reach;
}

/**
 * The access list of an already-authorized item. Sharing changes answer with it even when the
 * change took the caller's own access away (they were allowed to make it).
 */
export async function describeAccess(db: Conn, loaded: LoadedChain): Promise<ItemAccess> {
  return buildAccess(loaded, await readAccessFacts(db, loaded));
}

/**
 * The grants (on the item and on the folders that pass access down to it), Super Admins and owners
 * an item's access list names: one query.
 */
export function readAccessFacts(db: Conn, loaded: LoadedChain): Promise<AccessFacts> {
  return readAccessRows(
    db,
    loaded.item.workspaceId,
    reachOf(loaded).map((l) => l.id),
  );
}

/**
 * `readAccessFacts` and, in the same query, the member the item is being shared with (null: not a
 * member of the workspace) and the workspace's name: what a share reads before its write.
 */
export function readShareFacts(db: Conn, loaded: LoadedChain, granteeId: string) {
  return readShareRows(
    db,
    loaded.item.workspaceId,
    reachOf(loaded).map((l) => l.id),
    granteeId,
  );
}

/** The facts with one grant set (added, or replacing that person's grant on that item). */
export function withGrant(facts: AccessFacts, grant: ChainGrant): AccessFacts {
  const others = facts.grants.filter((g) => g.itemId !== grant.itemId || g.userId !== grant.userId);
  return { ...facts, grants: [...others, grant] };
}

/**
 * One member's effective permission on the item (domain/access.ts, the gate's decision) from the
 * chain and the grants read for it: what a share compares before and after its change.
 */
export function permissionOf(
  loaded: LoadedChain,
  facts: AccessFacts,
  member: { userId: string; role: Role },
): EffectivePermission {
  const mine = new Map<string, Permission>();
  for (const g of facts.grants) if (g.userId === member.userId) mine.set(g.itemId, g.permission);
  return permissionWith(loaded, member, mine);
}

/** A member's effective permission with their grants (by item id) on the loaded chain's links. */
function permissionWith(
  loaded: LoadedChain,
  member: { userId: string; role: Role },
  grants: ReadonlyMap<string, Permission> | undefined,
): EffectivePermission {
  const chain = loaded.chain.map((l) => ({ ...l, grant: grants?.get(l.id) ?? null }));
  return effectivePermission({ member, chain });
}

/** Grants in the order the access list shows them: by name, then by id (the same on both databases). */
const byName = (a: ChainGrant, b: ChainGrant) =>
  a.name.localeCompare(b.name) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/** The access list from the chain and the facts read for it (pure). */
export function buildAccess(loaded: LoadedChain, facts: AccessFacts): ItemAccess {
  const item = loaded.item;
  const dormant = item.generalAccess === 'only_me';
  const reach = reachOf(loaded);
  const grants = facts.grants.slice().sort(byName);
  const { admins, owners: ownerInfo } = facts;

  const people = new Map<string, Person>();
  const add = (p: Omit<Person, 'reasons'>, reason: AccessReason) => {
    const entry = people.get(p.userId) ?? { ...p, reasons: [] };
    entry.reasons.push(reason);
    people.set(p.userId, entry);
  };
  const folderOf = (link: ChainLink) => ({ id: link.id, title: link.title });

  for (const a of admins)
    add(
      { userId: a.user_id, name: a.name, email: a.email, role: 'super_admin' },
      { kind: 'super_admin', permission: 'edit', folder: null },
    );

  const owner = ownerInfo.find((o) => o.user_id === item.ownerId);
  if (owner)
    add(
      { userId: owner.user_id, name: owner.name, email: owner.email, role: owner.role as Role },
      { kind: 'owner', permission: 'edit', folder: null },
    );
  if (!dormant) {
    reach.forEach((link, i) => {
      if (i === 0) return;
      const o = ownerInfo.find((x) => x.user_id === link.ownerId);
      if (o)
        add(
          { userId: o.user_id, name: o.name, email: o.email, role: o.role as Role },
          { kind: 'folder_owner', permission: 'edit', folder: folderOf(link) },
        );
    });
    for (const g of grants) {
      if (g.role === null) continue; // no longer a member: no access
      const index = reach.findIndex((l) => l.id === g.itemId);
      const stopped = index > 0 && reach[index]?.generalAccess === 'only_me';
      if (stopped) continue;
      add(
        { userId: g.userId, name: g.name, email: g.email, role: g.role },
        index === 0
          ? { kind: 'direct', permission: g.permission, folder: null }
          : { kind: 'inherited', permission: g.permission, folder: folderOf(reach[index] as ChainLink) },
      );
    }
  }

  // Each person's effective permission, from their own facts on the chain.
  const grantsOf = new Map<string, Map<string, 'view' | 'edit'>>();
  for (const g of grants) {
    const m = grantsOf.get(g.userId) ?? new Map();
    m.set(g.itemId, g.permission);
    grantsOf.set(g.userId, m);
  }
  const result = [...people.values()].map((p) => {
    const permission = permissionWith(loaded, { userId: p.userId, role: p.role }, grantsOf.get(p.userId));
    const granted = p.reasons.some((r) => r.permission === 'edit');
    return {
      ...p,
      permission: permission === 'edit' ? ('edit' as const) : ('view' as const),
      viewerCapped: p.role === 'viewer' && granted,
    };
  });

  // Workspace-wide access: the strongest level set on the item or a folder it inherits from.
  const open = dormant ? [] : reach.filter((l) => l.generalAccess === 'workspace');
  const strongest = open.find((l) => l.workspacePermission === 'edit') ?? open[0];
  const workspace: ItemAccess['workspace'] = strongest
    ? {
        permission: strongest.workspacePermission,
        folder: strongest.id === item.id ? null : folderOf(strongest),
      }
    : null;

  const direct = grants.filter((g) => g.itemId === item.id && g.role !== null);
  return {
    itemId: item.id,
    generalAccess: item.generalAccess,
    workspacePermission: item.workspacePermission,
    grants: direct.map((g) => ({
      userId: g.userId,
      name: g.name,
      email: g.email,
      role: g.role as Role,
      permission: g.permission,
    })),
    people: result,
    workspace,
    grantsDormant: dormant,
  };
}
