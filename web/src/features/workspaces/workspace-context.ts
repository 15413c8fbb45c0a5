import { createContext, use } from 'react';
import { useMatch } from 'react-router-dom';
import type { Workspace } from '../../../../src/contract/index.ts';
import { getLastWorkspace } from '../../lib/last-workspace.ts';
import { useSignedInUser } from '../auth/use-me.ts';

export const WorkspaceContext = createContext<Workspace | null>(null);

/** The workspace of the current `/w/:wsId/...` route, for components rendered inside <WorkspaceGate>. */
export function useCurrentWorkspace(): Workspace {
  const workspace = use(WorkspaceContext);
  if (!workspace) throw new Error('useCurrentWorkspace() must be used inside <WorkspaceGate>');
  return workspace;
}

/**
 * The workspace the header and navbar are about: the one in the URL, or (on pages outside a
 * workspace, like Manage workspaces) the last one this user opened, if they are still in it.
 */
export function useActiveWorkspaceId(): string | null {
  const me = useSignedInUser();
  const match = useMatch('/w/:wsId/*');
  const fromUrl = match?.params.wsId;
  if (fromUrl) return fromUrl;
  const last = getLastWorkspace(me.id);
  return last && me.workspaces.some((w) => w.id === last) ? last : null;
}
