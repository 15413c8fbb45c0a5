import {
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type {
  CreateWorkspaceBody,
  Me,
  UpdateWorkspaceBody,
  Workspace,
} from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export function useWorkspaces() {
  return useInfiniteQuery({
    queryKey: queryKeys.workspaces,
    queryFn: ({ pageParam }) => api.workspaces.list(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useWorkspace(id: string | undefined) {
  return useQuery({
    queryKey: queryKeys.workspace(id ?? ''),
    queryFn: () => api.workspaces.get(id!),
    enabled: Boolean(id),
  });
}

/** The company domains a Super Admin may choose in the settings (`enabled` for Super Admins). */
export function useCompanyDomainOptions(id: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.companyDomains(id),
    queryFn: () => api.workspaces.companyDomains(id),
    enabled,
  });
}

/** Keeps the cached `/api/me` workspace list in step with a change we just made. */
function patchMe(queryClient: QueryClient, update: (list: Me['workspaces']) => Me['workspaces']) {
  queryClient.setQueryData<Me>(queryKeys.me, (me) =>
    me ? { ...me, workspaces: update(me.workspaces) } : me,
  );
}

function remember(queryClient: QueryClient, workspace: Workspace) {
  queryClient.setQueryData(queryKeys.workspace(workspace.id), workspace);
  patchMe(queryClient, (list) => {
    const summary = { id: workspace.id, name: workspace.name, role: workspace.role };
    return list.some((w) => w.id === workspace.id)
      ? list.map((w) => (w.id === workspace.id ? summary : w))
      : [...list, summary];
  });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWorkspaceBody) => api.workspaces.create(body),
    onSuccess: (workspace) => {
      remember(queryClient, workspace);
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

export function useUpdateWorkspace(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWorkspaceBody) => api.workspaces.update(id, body),
    onSuccess: (workspace) => {
      remember(queryClient, workspace);
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
  });
}

/** Deleting: the caller navigates away first, then calls `forget` to drop the cached workspace. */
export function useDeleteWorkspace(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (confirmName: string) => api.workspaces.remove(id, { confirmName }),
    onSuccess: () => {
      patchMe(queryClient, (list) => list.filter((w) => w.id !== id));
    },
  });
}

export function useForgetWorkspace() {
  const queryClient = useQueryClient();
  return (id: string) => {
    // After the page that showed it has unmounted; removing it earlier makes that page refetch (404).
    setTimeout(() => queryClient.removeQueries({ queryKey: queryKeys.workspace(id) }), 0);
    void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
    void queryClient.invalidateQueries({ queryKey: queryKeys.me });
  };
}
