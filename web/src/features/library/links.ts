import type { Item } from '../../../../src/contract/index.ts';

export const libraryPath = (wsId: string) => `/w/${wsId}/library`;
export const trashPath = (wsId: string) => `/w/${wsId}/trash`;
export const sharedPath = (wsId: string) => `/w/${wsId}/library?view=shared`;
export const folderPath = (wsId: string, folderId: string) => `/w/${wsId}/library/folders/${folderId}`;
export const itemPath = (wsId: string, itemId: string) => `/w/${wsId}/library/items/${itemId}`;

/** Where opening an item goes: a folder's listing, or the item's page. */
export function openPath(item: Pick<Item, 'id' | 'kind' | 'workspaceId'>): string {
  return item.kind === 'folder' ? folderPath(item.workspaceId, item.id) : itemPath(item.workspaceId, item.id);
}

/** The link "Copy link" copies: opens the item for anyone who has access to it. */
export function itemLink(origin: string, wsId: string, itemId: string): string {
  return `${origin}${itemPath(wsId, itemId)}`;
}

/** The folder (or root) listing an item sits in, with the item highlighted. */
export function showInFolderPath(item: Pick<Item, 'id' | 'parentId' | 'workspaceId'>): string {
  const base = item.parentId ? folderPath(item.workspaceId, item.parentId) : libraryPath(item.workspaceId);
  return `${base}?item=${encodeURIComponent(item.id)}`;
}
