import type { ItemList } from '../../contract/items.ts';
import type { Role } from '../../contract/roles.ts';
import { loadChains } from '../../data/access.repo.ts';
import type { Db } from '../../data/db.ts';
import {
  type ItemSort,
  type ListedItem,
  listChildren,
  listOwnedBy,
  listSharedWith,
} from '../../data/items.repo.ts';
import { type ChainLink, effectivePermission, permissionAtRoot } from '../../domain/access.ts';
import { invalid } from '../../domain/errors.ts';
import type { WorkspaceActor } from '../actor.ts';
import { requireAccess, requireItem } from '../gate.ts';
import { decodeNumberedCursor, encodeCursor, INT4 } from '../members/cursor.ts';
import type { PageCache } from '../page-cache.ts';
import { presentItem } from './item-access.ts';

const rankOf = { none: 0, view: 1, edit: 2 } as const;

function asLink(item: ListedItem): ChainLink {
  return {
    id: item.id,
    title: item.title,
    ownerId: item.ownerId,
    generalAccess: item.generalAccess,
    workspacePermission: item.workspacePermission,
    grant: item.grant,
  };
}

type ListInput = {
  parentId?: string;
  view: 'folder' | 'shared' | 'mine';
  sort: ItemSort;
  cursor?: string;
  limit: number;
};

/**
 * `listItems` as the JSON the route sends, from the page cache when the caller's request read the
 * workspace's versions (sessions and API keys both do). A listing is decided by the items of the
 * workspace and its members' names (which bump the items version: migration 0044), by the grants
 * (the grants version: migration 0047), and by who asks with which role: the key holds the
 * versions, the caller and the role the gate gave them (a role change reads as a new key), and the
 * whole request. The grants version only where a grant can change the page (`grantsCount`), so a
 * share leaves the other listings cached. The gate runs first, on every request; a folder the
 * caller cannot view fails inside `listItems` and nothing is kept.
 */
export async function listItemsJson(
  deps: { db: Db; pages: PageCache; stringify(list: ItemList): string },
  actor: WorkspaceActor,
  input: ListInput,
): Promise<string> {
  const role = requireAccess(actor, 'items:list');
  const key =
    actor.itemsVersion === null
      ? null
      : [
          actor.workspaceId,
          actor.itemsVersion,
          grantsCount(role, input.view) ? actor.grantsVersion : '',
          actor.userId,
          role,
          input.view,
          // The folder only where it counts: "shared" and "mine" ignore it, and a key per value
          // given would only push other pages out.
          input.view === 'folder' ? (input.parentId ?? '') : '',
          input.sort,
          input.limit,
          input.cursor ?? '',
        ].join('\u0000');
  // Nothing in a listing changes with time alone: a page stays exact until the version moves.
  // A hit makes no closure: the build's is made only on a miss.
  return (
    deps.pages.get(key, 0) ??
    deps.pages.buildOnce(key, 0, async () => ({
      body: deps.stringify(await listItems(deps, actor, input)),
      validUntil: Number.POSITIVE_INFINITY,
    }))
  );
}

/**
 * Whether a grant can change the listing: not a Super Admin's root or folder (they can edit
 * everything, whoever was given what: domain/access.ts, and `listItems` reads no grant for them),
 * nor anyone's "My library" (the caller's own items, with the owner's permission). Everything else
 * is: what a member sees in a folder, and every "Shared with me", depend on the grants to them.
 */
function grantsCount(role: Role, view: ListInput['view']): boolean {
  return view === 'shared' || (view === 'folder' && role !== 'super_admin');
}

/**
 * The library root ("Workspace"), a folder, "shared with me" or "mine" (the items the caller owns,
 * but those inside a folder they own): exactly the items the caller can view, each
 * with their permission, one page at a time. A folder page is two small queries: the folder's
 * chain (what it passes down to everything inside), then the page filtered by that in SQL.
 */
export async function listItems(
  deps: { db: Db },
  actor: WorkspaceActor,
  input: ListInput,
): Promise<ItemList> {
  const role = requireAccess(actor, 'items:list');
  const member = { userId: actor.userId, role };
  const ws = actor.workspaceId;

  if (input.view === 'shared') {
    const after = input.cursor ? decodeNumberedCursor(input.cursor, 2) : null;
    const rows = await listSharedWith(deps.db, ws, actor.userId, {
      after: after ? [after[0], after[1] as string] : null,
      limit: input.limit,
    });
    const page = rows.slice(0, input.limit);
    // Their permissions need their whole chains: each row is the first link of its own (live: the
    // query keeps no trashed item), and the folders above are read once per distinct folder, in
    // one set-based query (items shared from one folder share the rest of their chain).
    const parentIds = [...new Set(page.flatMap((r) => (r.parentId ? [r.parentId] : [])))];
    const parents = await loadChains(deps.db, parentIds, actor.userId);
    const last = page[page.length - 1];
    return {
      items: page.flatMap((r) => {
        const above = r.parentId ? parents.get(r.parentId)?.chain : [];
        // Inside a trashed folder (a share racing its deletion), or a folder gone: gone, as every read says.
        const gone = !above || above.some((link) => link.trashed);
        const link = asLink(r);
        const p = gone ? 'none' : effectivePermission({ member, chain: [link, ...above] });
        return p === 'none' ? [] : [presentItem(r, p, permissionAtRoot(member, link))];
      }),
      nextCursor: rows.length > input.limit && last ? encodeCursor([String(last.grantedAt), last.id]) : null,
    };
  }

  const arity = input.sort === 'name' ? 3 : 2;
  // name: [kindRank, titleKey, id] (the rank an `integer` column); date: [createdAt, id].
  const after = input.cursor
    ? decodeNumberedCursor(input.cursor, arity, input.sort === 'name' ? INT4 : undefined)
    : null;
  const pageOf = (rows: ListedItem[], present: (r: ListedItem) => ReturnType<typeof presentItem>) => {
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(present),
      nextCursor:
        rows.length > input.limit && last
          ? encodeCursor(
              input.sort === 'name'
                ? [String(last.kindRank), last.titleKey, last.id]
                : [String(last.createdAt), last.id],
            )
          : null,
    };
  };

  if (input.view === 'mine') {
    // The caller owns each of them: the owner's permission (a Viewer's capped at view).
    const rows = await listOwnedBy(deps.db, ws, actor.userId, {
      sort: input.sort,
      after,
      limit: input.limit,
    });
    return pageOf(rows, (r) => {
      const own = effectivePermission({ member, chain: [asLink(r)] });
      return presentItem(r, own, own);
    });
  }

  let parentChain: ChainLink[] = [];
  if (input.parentId) {
    const { loaded } = await requireItem(deps.db, actor, 'item:view', input.parentId, 'Folder');
    if (loaded.item.workspaceId !== ws) throw invalid('parentId', 'The folder is in another workspace');
    if (loaded.item.kind !== 'folder') throw invalid('parentId', 'Not a folder');
    parentChain = loaded.chain;
  }
  // What a child with nothing of its own gets from the folder: the same decision, for a stand-in.
  const standIn: ChainLink = {
    id: '',
    title: '',
    ownerId: '',
    generalAccess: 'selected',
    workspacePermission: 'view',
    grant: null,
  };
  const inherited = rankOf[effectivePermission({ member, chain: [standIn, ...parentChain] })];

  const rows = await listChildren(deps.db, ws, input.parentId ?? null, {
    userId: actor.userId,
    seesAll: role === 'super_admin',
    inherited,
    sort: input.sort,
    after,
    limit: input.limit,
  });
  return pageOf(rows, (r) => {
    const link = asLink(r);
    return presentItem(
      r,
      effectivePermission({ member, chain: [link, ...parentChain] }),
      permissionAtRoot(member, link),
    );
  });
}
