import { Button, EmptyState, Grid, Group, Paper, Skeleton, Stack, Text, ThemeIcon } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconFileUnknown, IconFolderSearch, IconShare, IconTools } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { VideoPanel, VideoSettings } from '../videos/video-share-page.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { generalAccessLabel } from './access-text.ts';
import { useItemTrail } from './hooks.ts';
import { ItemMenu } from './item-menu.tsx';
import { KindIcon, kindLabels } from './kinds.tsx';
import { LibraryBreadcrumbs, parentPath } from './library-breadcrumbs.tsx';
import { folderPath, libraryPath, sharedPath, showInFolderPath } from './links.ts';
import { PermissionBadge } from './permission-badge.tsx';
import { ShareDialog } from './share-dialog.tsx';

const isNotFound = (error: unknown) =>
  error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 400);

/**
 * `/library/items/:itemId`: where an item's link ("Copy link") leads. A folder opens its listing;
 * anything else shows its page: where it is, who can do what, and its actions.
 */
export function ItemPage() {
  const { itemId } = useParams();
  const workspace = useCurrentWorkspace();
  const me = useSignedInUser();
  const navigate = useNavigate();
  const trail = useItemTrail(itemId);
  const [sharing, setSharing] = useState(false);
  const item = trail.data?.item;
  useDocumentTitle(`${item?.title ?? 'Item'} · ${workspace.name} · Troupe`);

  if (isNotFound(trail.error)) {
    return (
      <EmptyState
        py={80}
        size="lg"
        variant="light"
        icon={<IconFileUnknown size={28} stroke={1.6} />}
        title="Item not found"
        description="It doesn't exist any more, or it isn't shared with you. Ask its owner to share it."
      >
        <EmptyState.Actions>
          <Button component={Link} to={libraryPath(workspace.id)}>
            Go to your library
          </Button>
          <Button component={Link} to={sharedPath(workspace.id)} variant="default">
            Shared with me
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  if (trail.isError && !trail.data)
    return <ErrorState error={trail.error} onRetry={() => void trail.refetch()} />;
  if (!trail.data || !item) {
    return (
      <Stack gap="md" aria-busy="true" aria-label="Loading item">
        <Skeleton height={14} width={240} />
        <Skeleton height={44} width={360} />
        <Skeleton height={160} />
      </Stack>
    );
  }
  // Items of another workspace (a pasted link) open in their own workspace.
  if (item.workspaceId !== workspace.id)
    return <Navigate to={`/w/${item.workspaceId}/library/items/${item.id}`} replace />;
  if (item.kind === 'folder') return <Navigate to={folderPath(workspace.id, item.id)} replace />;

  const data = trail.data;
  const folder = data.ancestors[data.ancestors.length - 1];
  const location = folder
    ? { label: folder.title, to: folderPath(workspace.id, folder.id) }
    : data.fromRoot
      ? { label: 'Library', to: libraryPath(workspace.id) }
      : { label: 'Shared with me', to: sharedPath(workspace.id) };
  const kind = kindLabels[item.kind];

  const detailsCard = (
    <Paper withBorder p="lg">
      <Stack gap="md">
        <Detail label="Location">
          <Group gap={6} wrap="nowrap">
            <Text size="sm" component={Link} to={location.to} c="anchor" truncate="end">
              {location.label}
            </Text>
            {folder || data.fromRoot ? (
              <Button
                component={Link}
                to={showInFolderPath(item)}
                variant="subtle"
                size="compact-xs"
                leftSection={<IconFolderSearch size={14} />}
              >
                Show in folder
              </Button>
            ) : null}
          </Group>
        </Detail>
        <Detail label="Your access">{item.permission === 'edit' ? 'Can edit' : 'Can view'}</Detail>
        <Detail label="General access">{generalAccessLabel(item.generalAccess, workspace.name)}</Detail>
        <Detail label="Created">{formatDateTime(item.createdAt)}</Detail>
        <Detail label="Last changed">{formatDateTime(item.updatedAt)}</Detail>
      </Stack>
    </Paper>
  );

  return (
    <>
      <LibraryBreadcrumbs workspaceId={workspace.id} trail={data} />
      <PageHeader
        title={item.title}
        icon={<KindIcon kind={item.kind} size={44} />}
        badge={<PermissionBadge permission={item.permission} size="lg" />}
        description={item.ownerId === me.id ? `${kind} · You own it` : kind}
        actions={
          <>
            <Button
              variant={item.abilities.share ? 'filled' : 'default'}
              leftSection={<IconShare size={16} />}
              onClick={() => setSharing(true)}
            >
              {item.abilities.share ? 'Share' : 'Who has access'}
            </Button>
            <ItemMenu
              item={item}
              withOpen={false}
              onDeleted={() => void navigate(parentPath(workspace.id, data), { replace: true })}
            />
          </>
        }
      />

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          {item.kind === 'video' ? (
            <Stack gap="lg">
              <VideoPanel item={item} />
              {detailsCard}
            </Stack>
          ) : (
            <Paper withBorder p="lg" h="100%">
              <Stack align="center" gap="sm" py="xl">
                <ThemeIcon variant="light" color="gray" size={52} radius="xl">
                  <IconTools size={26} stroke={1.6} />
                </ThemeIcon>
                {/* No promise of an editor that does not exist yet (issue 11): say what can be done. */}
                <Text fw={600}>{kind}</Text>
                <Text size="sm" c="dimmed" ta="center" maw={420}>
                  {item.abilities.edit
                    ? `You can rename, move, share or delete this ${kind.toLowerCase()} from the menu.`
                    : `You can view this ${kind.toLowerCase()}. Ask someone who can edit it if it needs changes.`}
                </Text>
              </Stack>
            </Paper>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          {item.kind === 'video' ? <VideoSettings item={item} /> : detailsCard}
        </Grid.Col>
      </Grid>

      {sharing ? <ShareDialog item={item} onClose={() => setSharing(false)} /> : null}
    </>
  );
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lts="0.04em">
        {label}
      </Text>
      {typeof children === 'string' ? <Text size="sm">{children}</Text> : children}
    </div>
  );
}
