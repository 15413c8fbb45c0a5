import { ActionIcon, Badge, Button, EmptyState, Group, Paper, Skeleton, Text, Tooltip } from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import { IconBuildingCommunity, IconPlus, IconSettings } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import type { Workspace } from '../../../../src/contract/index.ts';
import { setLastWorkspace } from '../../lib/last-workspace.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { RoleBadge } from '../../ui/role-badge.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { CreateWorkspaceModal } from './create-workspace-modal.tsx';
import { useWorkspaces } from './hooks.ts';
import classes from './manage-workspaces-page.module.css';
import { PendingJoinRequests } from './pending-join-requests.tsx';
import { SeatsMeter } from './seats.tsx';
import { WorkspaceAvatar } from './workspace-avatar.tsx';
import { useActiveWorkspaceId } from './workspace-context.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function createdOn(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : `Created ${dateFormat.format(date)}`;
}

/** "Manage workspaces": every workspace the user belongs to, with role and seats; open or create one. */
export function ManageWorkspacesPage() {
  useDocumentTitle('Manage workspaces · Troupe');
  const me = useSignedInUser();
  const navigate = useNavigate();
  const activeId = useActiveWorkspaceId();
  const [createOpened, createModal] = useDisclosure(false);
  const query = useWorkspaces();
  const workspaces = query.data?.pages.flatMap((p) => p.workspaces) ?? [];
  const empty = query.isSuccess && workspaces.length === 0;

  const open = (workspace: Workspace, page = '') => {
    setLastWorkspace(me.id, workspace.id);
    void navigate(`/w/${workspace.id}${page}`);
  };

  return (
    <>
      <PageHeader
        title="Manage workspaces"
        description="Switch between the workspaces you belong to, or start a new one for another team."
        actions={
          empty ? null : (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              Create workspace
            </Button>
          )
        }
      />

      <PendingJoinRequests />

      {query.isPending ? (
        <Paper withBorder aria-busy="true" aria-label="Loading workspaces">
          {[0, 1, 2].map((i) => (
            <div key={i} className={classes.row}>
              <div className={classes.identity}>
                <Skeleton height={44} width={44} radius="md" />
                <div style={{ flex: 1 }}>
                  <Skeleton height={14} width="40%" mb={8} />
                  <Skeleton height={10} width="25%" />
                </div>
              </div>
              <Skeleton height={28} width={220} />
            </div>
          ))}
        </Paper>
      ) : query.isError && workspaces.length === 0 ? (
        <Paper withBorder>
          <ErrorState
            error={query.error}
            title="We couldn't load your workspaces"
            onRetry={() => void query.refetch()}
          />
        </Paper>
      ) : empty ? (
        <Paper withBorder p={{ base: 'lg', sm: 48 }}>
          <EmptyState
            size="lg"
            variant="light"
            icon={<IconBuildingCommunity size={28} stroke={1.6} />}
            title="You're not in a workspace yet"
            description="Create a workspace for your team, or ask a teammate for an invite link to join theirs."
          >
            <EmptyState.Actions>
              <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
                Create workspace
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Paper>
      ) : (
        <>
          <Paper withBorder style={{ overflow: 'hidden' }}>
            {workspaces.map((workspace) => {
              const current = workspace.id === activeId;
              return (
                <div key={workspace.id} className={classes.row} data-testid="workspace-row">
                  <div className={classes.identity}>
                    <WorkspaceAvatar name={workspace.name} size={44} />
                    <div style={{ minWidth: 0 }}>
                      <Group gap={8} wrap="nowrap">
                        <Text fw={600} truncate="end">
                          {workspace.name}
                        </Text>
                        {current ? (
                          <Badge size="xs" variant="outline" color="gray" tt="none">
                            Current
                          </Badge>
                        ) : null}
                      </Group>
                      <Text size="xs" c="dimmed">
                        {createdOn(workspace.createdAt)}
                      </Text>
                    </div>
                  </div>
                  <div className={classes.meta}>
                    <RoleBadge role={workspace.role} w={110} />
                    <SeatsMeter seats={workspace.seats} seatsUsed={workspace.seatsUsed} />
                    <Group gap={6} wrap="nowrap">
                      {workspace.role === 'super_admin' ? (
                        <Tooltip label="Workspace settings">
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            size="lg"
                            aria-label={`Settings for ${workspace.name}`}
                            onClick={() => open(workspace, '/settings')}
                          >
                            <IconSettings size={18} />
                          </ActionIcon>
                        </Tooltip>
                      ) : (
                        <div style={{ width: 34 }} />
                      )}
                      <Button variant={current ? 'light' : 'default'} onClick={() => open(workspace)} w={84}>
                        Open
                      </Button>
                    </Group>
                  </div>
                </div>
              );
            })}
          </Paper>
          {query.hasNextPage ? (
            <Group justify="center" mt="lg">
              <Button
                variant="default"
                loading={query.isFetchingNextPage}
                onClick={() => void query.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          ) : null}
        </>
      )}

      <CreateWorkspaceModal opened={createOpened} onClose={createModal.close} />
    </>
  );
}
