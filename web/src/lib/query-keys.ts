/** Every React Query key in one place, so invalidation can't drift from the queries. */
export const queryKeys = {
  me: ['me'] as const,
  account: ['account'] as const,
  accountSessions: ['account', 'sessions'] as const,
  workspaces: ['workspaces'] as const,
  workspace: (id: string) => ['workspace', id] as const,
  /** Every workspace's details (`workspace`), for invalidation. */
  everyWorkspace: ['workspace'] as const,
  devMailbox: ['dev-mailbox'] as const,
  /** Every members query of a workspace (any search), for invalidation. */
  membersOf: (wsId: string) => ['members', wsId] as const,
  members: (wsId: string, q: string) => ['members', wsId, q] as const,
  /** The short list the audit log's actor filter offers. */
  memberOptions: (wsId: string) => ['members', wsId, '#options'] as const,
  billing: (wsId: string) => ['billing', wsId] as const,
  apiKeys: (wsId: string) => ['api-keys', wsId] as const,
  auditOf: (wsId: string) => ['audit', wsId] as const,
  audit: (wsId: string, action: string | null, actorId: string | null) =>
    ['audit', wsId, action ?? '', actorId ?? ''] as const,
  invitation: (token: string) => ['invitation', token] as const,
  inviteLink: (wsId: string) => ['invite-link', wsId] as const,
  joinLink: (token: string) => ['join-link', token] as const,
  /** The company domains a Super Admin may set: the Super Admins' verified domains, so under `membersOf`. */
  companyDomains: (wsId: string) => ['members', wsId, '#company-domains'] as const,
  /** Suggestions change with the members (an invitation removes one): under `membersOf`. */
  suggestions: (wsId: string) => ['members', wsId, '#suggestions'] as const,
  /** Every notifications query (the bell, the panel, the page). */
  notifications: ['notifications'] as const,
  notificationList: (unreadOnly: boolean) => ['notifications', 'list', unreadOnly] as const,
  /** Everything about library items (lists, items, trails, access), for invalidation. */
  items: ['items'] as const,
  itemList: (
    wsId: string,
    view: 'folder' | 'shared' | 'mine',
    parentId: string | null,
    sort: 'name' | 'date',
  ) => ['items', 'list', wsId, view, parentId ?? '', sort] as const,
  item: (id: string) => ['items', 'one', id] as const,
  /** The workspace trash (under `items`: every item change refreshes it). */
  trash: (wsId: string) => ['items', 'trash', wsId] as const,
  /** An item and its ancestors that the caller can see (breadcrumbs). */
  itemTrail: (id: string) => ['items', 'trail', id] as const,
  itemAccess: (id: string) => ['items', 'access', id] as const,
  /** A video item's file, Share Page and captions. */
  video: (id: string) => ['items', 'video', id] as const,
  sharePage: (id: string) => ['items', 'share-page', id] as const,
  captions: (id: string) => ['items', 'captions', id] as const,
  /** The share dialog's people search (under `membersOf`, so member changes refresh it). */
  memberSearch: (wsId: string, q: string) => ['members', wsId, '#search', q] as const,
};
