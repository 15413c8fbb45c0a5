import {
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type {
  GeneralAccess,
  Item,
  ItemAccess,
  ItemKind,
  Permission,
  Role,
} from '../../../../src/contract/index.ts';
import { ApiError, api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export const ITEMS_PAGE_SIZE = 50;

/** `mine`: items I own; `shared`: shared with me; `folder`: the workspace root (everything I can see) or a folder. */
export type LibraryView = 'folder' | 'shared' | 'mine';
export type LibrarySort = 'name' | 'date';

/** A library listing: the root, a folder, or "shared with me"; 50 items a page. */
export function useItems(
  wsId: string,
  { view, parentId, sort }: { view: LibraryView; parentId: string | null; sort: LibrarySort },
  enabled = true,
) {
  return useInfiniteQuery({
    queryKey: queryKeys.itemList(wsId, view, parentId, sort),
    queryFn: ({ pageParam }) =>
      api.items.list(wsId, {
        view,
        parentId: view === 'folder' ? parentId : null,
        sort,
        cursor: pageParam,
        limit: ITEMS_PAGE_SIZE,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

const gone = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 403);

function fetchItem(queryClient: QueryClient, id: string): Promise<Item> {
  return queryClient.fetchQuery({ queryKey: queryKeys.item(id), queryFn: () => api.items.get(id) });
}

export interface ItemTrail {
  item: Item;
  /** The ancestors the caller can see, outermost first. */
  ancestors: Item[];
  /**
   * True when the walk reached the library root; false when an ancestor is hidden from the
   * caller (they reached this through "Shared with me").
   */
  fromRoot: boolean;
}

/** An item and the folders above it that the caller can see (breadcrumbs), walking up by `parentId`. */
export function useItemTrail(id: string | undefined) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: queryKeys.itemTrail(id ?? ''),
    enabled: Boolean(id),
    queryFn: async (): Promise<ItemTrail> => {
      const item = await fetchItem(queryClient, id as string);
      const ancestors: Item[] = [];
      const seen = new Set([item.id]);
      let parentId = item.parentId;
      while (parentId && !seen.has(parentId)) {
        seen.add(parentId);
        try {
          const parent = await fetchItem(queryClient, parentId);
          ancestors.unshift(parent);
          parentId = parent.parentId;
        } catch (error) {
          if (gone(error)) return { item, ancestors, fromRoot: false };
          throw error;
        }
      }
      return { item, ancestors, fromRoot: true };
    },
  });
}

/** One item, live (its title, permission and abilities), seeded from a listing when we have it. */
export function useItem(id: string, initial?: Item, enabled = true) {
  return useQuery({
    queryKey: queryKeys.item(id),
    queryFn: () => api.items.get(id),
    initialData: initial,
    initialDataUpdatedAt: initial ? Date.now() : undefined,
    enabled,
  });
}

/** After any change to items or sharing: listings, items, trails and access, and the audit log. */
function refreshItems(queryClient: QueryClient, wsId: string, except?: string) {
  void queryClient.invalidateQueries({
    queryKey: queryKeys.items,
    predicate: except ? (q) => !q.queryKey.includes(except) : undefined,
  });
  void queryClient.invalidateQueries({ queryKey: queryKeys.auditOf(wsId) });
}

export function useCreateItem(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { kind: ItemKind; title: string; parentId: string | null }) =>
      api.items.create(wsId, body),
    onSuccess: (item) => {
      queryClient.setQueryData(queryKeys.item(item.id), item);
      refreshItems(queryClient, wsId);
    },
  });
}

/** Rename and/or move. */
export function useUpdateItem(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; title?: string; parentId?: string | null }) =>
      api.items.update(id, body),
    onSuccess: (item) => {
      queryClient.setQueryData(queryKeys.item(item.id), item);
      refreshItems(queryClient, wsId);
    },
  });
}

/**
 * Deleting (to the trash, or for good with `permanent`): the deleted item's own queries (its trail,
 * its listing if a folder) are marked stale rather than refetched (they would 404); the page
 * showing it navigates away.
 */
export function useDeleteItem(wsId: string, permanent = false) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.items.remove(id, permanent),
    onSuccess: (_, id) => {
      refreshItems(queryClient, wsId, id);
      // Stale, but not refetched now: the page showing it is about to move on.
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey.includes(id), refetchType: 'none' });
    },
  });
}

/** Brings a deleted item back (the Trash page). */
export function useRestoreItem(wsId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => restoreItem(queryClient, wsId, id),
  });
}

/**
 * Restores an item and refreshes what shows it. Outside a hook's lifetime, for the Undo of a
 * toast that outlives the row (and its menu) the delete removed.
 */
export async function restoreItem(queryClient: QueryClient, wsId: string, id: string): Promise<Item> {
  const item = await api.items.restore(id);
  queryClient.setQueryData(queryKeys.item(item.id), item);
  refreshItems(queryClient, wsId);
  return item;
}

/**
 * What the toast says after a restore: back where it was, or at the library root when its folder is
 * in the trash (docs/RULES.md, "Trash"; the answer is the item as it came back).
 */
export function restoredMessage(before: { title: string; parentId: string | null }, after: Item): string {
  return before.parentId !== null && after.parentId === null
    ? `“${before.title}” is back, at the library root: its folder is in the trash.`
    : `“${before.title}” is back where it was.`;
}

/** The workspace trash: what the caller may restore, newest deletion first, 50 a page. */
export function useTrash(wsId: string) {
  return useInfiniteQuery({
    queryKey: queryKeys.trash(wsId),
    queryFn: ({ pageParam }) => api.items.trash(wsId, { cursor: pageParam, limit: ITEMS_PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useItemAccess(id: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.itemAccess(id),
    queryFn: () => api.items.access(id),
    enabled,
  });
}

type AccessChange =
  | { type: 'general'; generalAccess?: GeneralAccess; workspacePermission?: Permission }
  | { type: 'grant'; userId: string; permission: Permission }
  | { type: 'remove'; userId: string };

/**
 * Every change the share dialog makes. The answer is the item's new access; the caller's own
 * permission on this item (and what sits in it) may have changed too, so items refresh as well.
 */
export function useChangeAccess(wsId: string, itemId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: AccessChange): Promise<ItemAccess> => {
      if (change.type === 'grant') return api.items.grant(itemId, change.userId, change.permission);
      if (change.type === 'remove') return api.items.removeGrant(itemId, change.userId);
      const { type: _, ...body } = change;
      return api.items.updateAccess(itemId, body);
    },
    onSuccess: (access) => {
      queryClient.setQueryData(queryKeys.itemAccess(itemId), access);
      void queryClient.invalidateQueries({
        queryKey: queryKeys.items,
        predicate: (q) => q.queryKey[1] !== 'access' || q.queryKey[2] !== itemId,
      });
      void queryClient.invalidateQueries({ queryKey: queryKeys.auditOf(wsId) });
    },
    onError: (error) => {
      // The change may have gone through and taken away the caller's own access (404 on the answer).
      if (gone(error)) refreshItems(queryClient, wsId);
    },
  });
}

export interface MemberOption {
  userId: string;
  name: string;
  email: string;
  role: Role;
}

/** Active members matching `q` (name or email), for the share dialog's people picker. */
export function useMemberSearch(wsId: string, q: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.memberSearch(wsId, q),
    queryFn: async (): Promise<MemberOption[]> => {
      const page = await api.members.list(wsId, { q: q || undefined, limit: 20 });
      return page.members.flatMap((m) =>
        m.userId && m.status === 'active'
          ? [{ userId: m.userId, name: m.name?.trim() || m.email, email: m.email, role: m.role }]
          : [],
      );
    },
    enabled,
    placeholderData: (previous) => previous,
    staleTime: 30_000,
  });
}
