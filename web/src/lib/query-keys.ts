/** Every React Query key in one place, so invalidation can't drift from the queries. */
export const queryKeys = {
  me: ['me'] as const,
  workspaces: ['workspaces'] as const,
  workspace: (id: string) => ['workspace', id] as const,
  devMailbox: ['dev-mailbox'] as const,
};
