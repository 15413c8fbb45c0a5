import { Button, EmptyState } from '@mantine/core';
import { IconBuildingOff } from '@tabler/icons-react';
import { useEffect } from 'react';
import { Link, Outlet, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api.ts';
import { forgetLastWorkspace, setLastWorkspace } from '../../lib/last-workspace.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { SectionLoader } from '../../ui/full-page-loader.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { useWorkspace } from './hooks.ts';
import { WorkspaceContext } from './workspace-context.ts';

/** The workspace is not there for this person (removed, deleted, or a bad URL). */
export const isGone = (error: unknown) =>
  error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 400);

/** `/w/:wsId/*`: loads the workspace, remembers it as the last used, and provides it to the pages. */
export function WorkspaceGate() {
  const { wsId } = useParams();
  const me = useSignedInUser();
  const workspace = useWorkspace(wsId);
  const loadedId = workspace.data?.id;
  const gone = isGone(workspace.error);

  useEffect(() => {
    if (loadedId) setLastWorkspace(me.id, loadedId);
  }, [me.id, loadedId]);

  useEffect(() => {
    if (gone && wsId) forgetLastWorkspace(me.id, wsId);
  }, [gone, me.id, wsId]);

  if (gone) {
    return (
      <EmptyState
        py={80}
        size="lg"
        variant="light"
        icon={<IconBuildingOff size={28} stroke={1.6} />}
        title="Workspace not found"
        description="This workspace doesn't exist, or you're not a member of it any more."
      >
        <EmptyState.Actions>
          <Button component={Link} to="/workspaces">
            Go to your workspaces
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  if (workspace.isError && !workspace.data) {
    return <ErrorState error={workspace.error} onRetry={() => void workspace.refetch()} />;
  }
  if (!workspace.data) return <SectionLoader label="Opening workspace…" />;
  return (
    <WorkspaceContext value={workspace.data}>
      <Outlet />
    </WorkspaceContext>
  );
}
