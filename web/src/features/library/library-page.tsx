import {
  Anchor,
  Button,
  EmptyState,
  Group,
  Menu,
  Paper,
  SegmentedControl,
  Select,
  Skeleton,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDocumentTitle, useLocalStorage, useMediaQuery } from '@mantine/hooks';
import {
  IconChevronDown,
  IconFolderOff,
  IconFolderQuestion,
  IconInbox,
  IconPlus,
  IconShare,
} from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Item, ItemKind } from '../../../../src/contract/index.ts';
import { ApiError } from '../../lib/api.ts';
import { formatDate, formatDateTime } from '../../lib/dates.ts';
import { canCreateContent } from '../../lib/roles.ts';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { generalAccessLabel } from './access-text.ts';
import { CreateItemModal } from './create-item-modal.tsx';
import { type LibrarySort, type LibraryView, useItems, useItemTrail } from './hooks.ts';
import { ItemMenu } from './item-menu.tsx';
import { KindGlyph, KindIcon, kindLabels, newItemKinds } from './kinds.tsx';
import classes from './library.module.css';
import { LibraryBreadcrumbs, parentPath } from './library-breadcrumbs.tsx';
import { itemPath, libraryPath, openPath, sharedPath } from './links.ts';
import { PermissionBadge } from './permission-badge.tsx';
import { ShareDialog } from './share-dialog.tsx';

const sortOptions = [
  { value: 'name', label: 'Name' },
  { value: 'date', label: 'Date created' },
];

const isNotFound = (error: unknown) =>
  error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 400);

/** The three sections at the top of the library, each a listing with an Owner column. */
const sections = [
  { value: 'mine', label: 'My library', title: 'My library' },
  { value: 'shared', label: 'Shared with me', title: 'Shared with me' },
  { value: 'workspace', label: 'Workspace', title: 'Workspace' },
] as const;
type Section = (typeof sections)[number]['value'];

/**
 * The library (SPEC §5): `/library` ("My library": the items I own), `/library?view=shared`
 * ("Shared with me"), `/library?view=workspace` ("Workspace": everything I can see at the top)
 * and `/library/folders/:folderId`. `?item=<id>` highlights an item of the listing.
 */
export function LibraryPage() {
  const { folderId } = useParams();
  return <LibraryListing key={folderId ?? 'top'} folderId={folderId} />;
}

function LibraryListing({ folderId }: { folderId: string | undefined }) {
  const workspace = useCurrentWorkspace();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const asked = params.get('view');
  const section: Section = asked === 'shared' || asked === 'workspace' ? asked : 'mine';
  const view: LibraryView = folderId ? 'folder' : section === 'workspace' ? 'folder' : section;
  const highlight = params.get('item');
  const [sort, setSort] = useLocalStorage<LibrarySort>({
    key: 'troupe:library-sort',
    defaultValue: 'name',
    getInitialValueInEffect: false,
  });
  const trail = useItemTrail(folderId);
  const folder = trail.data?.item ?? null;
  const list = useItems(workspace.id, { view, parentId: folderId ?? null, sort });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const [creating, setCreating] = useState<ItemKind | null>(null);
  // On a phone the table keeps Name and the menu; owner and access go under the name.
  const narrow = useMediaQuery('(max-width: 48em)', false, { getInitialValueInEffect: false }) ?? false;
  const [sharingFolder, setSharingFolder] = useState(false);

  const sectionTitle = sections.find((s) => s.value === section)?.title ?? 'My library';
  const title = folder ? folder.title : sectionTitle;
  useDocumentTitle(`${title} · ${workspace.name} · Troupe`);
  const heading = folderId ? (folder?.title ?? '…') : sectionTitle;

  if (folderId && (isNotFound(trail.error) || isNotFound(list.error))) {
    return (
      <EmptyState
        py={80}
        size="lg"
        variant="light"
        icon={<IconFolderQuestion size={28} stroke={1.6} />}
        title="Folder not found"
        description="It doesn't exist any more, or it isn't shared with you."
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
  if (folder && folder.kind !== 'folder') return <Navigate to={itemPath(workspace.id, folder.id)} replace />;
  if (folderId && trail.isError && !trail.data) {
    return <ErrorState error={trail.error} onRetry={() => void trail.refetch()} />;
  }

  const canCreate =
    canCreateContent(workspace.role) && view !== 'shared' && (!folderId || Boolean(folder?.abilities.edit));

  const description = folderId
    ? folder
      ? folder.abilities.edit
        ? 'You can edit this folder and what is in it.'
        : 'You can view this folder and what is in it.'
      : undefined
    : section === 'shared'
      ? 'Items others shared with you directly, most recently shared first.'
      : section === 'mine'
        ? 'The folders, drafts, videos, avatars and voices you own.'
        : `Everything in ${workspace.name} that you can open.`;

  return (
    <>
      {folderId ? (
        <LibraryBreadcrumbs workspaceId={workspace.id} trail={trail.data} loading={trail.isPending} />
      ) : null}
      <PageHeader
        title={heading}
        icon={folderId ? <KindIcon kind="folder" size={44} /> : undefined}
        badge={folder ? <PermissionBadge permission={folder.permission} size="lg" /> : undefined}
        description={description}
        actions={
          <>
            {folder ? (
              <>
                <Button
                  variant="default"
                  leftSection={<IconShare size={16} />}
                  onClick={() => setSharingFolder(true)}
                >
                  {folder.abilities.share ? 'Share' : 'Who has access'}
                </Button>
                <ItemMenu
                  item={folder}
                  withOpen={false}
                  onDeleted={() => trail.data && void navigate(parentPath(workspace.id, trail.data))}
                />
              </>
            ) : null}
            {canCreate ? <NewItemMenu onPick={setCreating} /> : null}
          </>
        }
      />

      <Group justify="space-between" gap="md" mb="md" wrap="wrap">
        {folderId ? (
          <div />
        ) : (
          <SegmentedControl
            value={section}
            onChange={(value) => setParams(value === 'mine' ? {} : { view: value })}
            data={sections.map(({ value, label }) => ({ value, label }))}
            aria-label="Library section"
            data-testid="library-view"
            style={{ maxWidth: '100%', overflowX: 'auto' }}
          />
        )}
        {view !== 'shared' ? (
          <Select
            label="Sort by"
            data={sortOptions}
            value={sort}
            onChange={(value) => (value === 'name' || value === 'date') && setSort(value)}
            allowDeselect={false}
            w={170}
            size="sm"
            styles={{
              root: { display: 'flex', alignItems: 'center', gap: 8 },
              label: { whiteSpace: 'nowrap' },
            }}
            data-testid="sort-select"
          />
        ) : null}
      </Group>

      {list.isPending ? (
        <Paper withBorder aria-busy="true" aria-label="Loading items">
          {[0, 1, 2, 3].map((i) => (
            <Group key={i} p="md" gap="md" wrap="nowrap" className={classes.skeletonRow}>
              <Skeleton height={34} width={34} />
              <div style={{ flex: 1 }}>
                <Skeleton height={12} width="35%" mb={8} />
                <Skeleton height={10} width="15%" />
              </div>
              <Skeleton height={22} width={80} />
              <Skeleton height={12} width={90} />
            </Group>
          ))}
        </Paper>
      ) : list.isError && items.length === 0 ? (
        <Paper withBorder>
          <ErrorState
            error={list.error}
            title="We couldn't load the library"
            onRetry={() => void list.refetch()}
          />
        </Paper>
      ) : items.length === 0 ? (
        <Paper withBorder p={{ base: 'lg', sm: 48 }}>
          <EmptyLibrary
            view={view}
            section={section}
            inFolder={Boolean(folderId)}
            canCreate={canCreate}
            onCreate={() => setCreating('folder')}
          />
        </Paper>
      ) : (
        <>
          <Paper withBorder style={{ overflow: 'hidden' }}>
            <Table.ScrollContainer minWidth={narrow ? 0 : 760} type="native">
              <Table
                verticalSpacing="sm"
                horizontalSpacing="md"
                highlightOnHover
                className={classes.table}
                layout="fixed"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    {narrow ? null : (
                      <>
                        <Table.Th w={150}>Owner</Table.Th>
                        <Table.Th w={130}>Your access</Table.Th>
                        <Table.Th w={150}>Created</Table.Th>
                      </>
                    )}
                    <Table.Th w={56}>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((item) => (
                    <ItemRow
                      key={item.id}
                      item={item}
                      workspaceName={workspace.name}
                      highlighted={item.id === highlight}
                      narrow={narrow}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
          {list.hasNextPage ? (
            <Group justify="center" mt="lg">
              <Button
                variant="default"
                loading={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          ) : null}
        </>
      )}

      <CreateItemModal
        workspaceId={workspace.id}
        kind={creating}
        parent={folder}
        onClose={() => setCreating(null)}
        onCreated={(item) => setParams({ item: item.id }, { replace: true })}
      />
      {sharingFolder && folder ? <ShareDialog item={folder} onClose={() => setSharingFolder(false)} /> : null}
    </>
  );
}

function NewItemMenu({ onPick }: { onPick: (kind: ItemKind) => void }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          leftSection={<IconPlus size={16} />}
          rightSection={<IconChevronDown size={14} />}
          data-testid="new-item-button"
        >
          New
        </Button>
      </Menu.Target>
      <Menu.Dropdown miw={180}>
        {newItemKinds.map((kind) => (
          <Menu.Item key={kind} leftSection={<KindGlyph kind={kind} />} onClick={() => onPick(kind)}>
            {kindLabels[kind]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function ItemRow({
  item,
  workspaceName,
  highlighted,
  narrow,
}: {
  item: Item;
  workspaceName: string;
  highlighted: boolean;
  narrow: boolean;
}) {
  const ref = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    if (highlighted) ref.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [highlighted]);
  const sharing =
    item.generalAccess === 'selected' ? null : generalAccessLabel(item.generalAccess, workspaceName);
  return (
    <Table.Tr
      ref={ref}
      className={classes.row}
      data-testid="library-item"
      data-title={item.title}
      data-kind={item.kind}
      data-permission={item.permission}
      data-highlighted={highlighted || undefined}
    >
      <Table.Td>
        <Group gap="sm" wrap="nowrap">
          <KindIcon kind={item.kind} />
          <div style={{ minWidth: 0 }}>
            <Anchor
              component={Link}
              to={openPath(item)}
              className={classes.titleLink}
              underline="hover"
              size="sm"
              display="block"
              truncate="end"
              title={item.title}
            >
              {item.title}
            </Anchor>
            <Text size="xs" c="dimmed" truncate="end">
              {kindLabels[item.kind]}
              {sharing ? ` · ${sharing}` : ''}
              {item.workspacePermission === 'edit' && item.generalAccess === 'workspace' ? ' can edit' : ''}
            </Text>
            {narrow ? (
              <Group gap={6} mt={4} wrap="nowrap" style={{ minWidth: 0 }}>
                <PermissionBadge permission={item.permission} />
                <Text size="xs" c="dimmed" truncate="end" title={item.ownerName} data-testid="item-owner">
                  {item.ownerName ?? ''}
                </Text>
              </Group>
            ) : null}
          </div>
        </Group>
      </Table.Td>
      {narrow ? null : (
        <>
          <Table.Td maw={150}>
            <Text size="sm" truncate="end" title={item.ownerName} data-testid="item-owner">
              {item.ownerName ?? ''}
            </Text>
          </Table.Td>
          <Table.Td>
            <PermissionBadge permission={item.permission} />
          </Table.Td>
          <Table.Td>
            <Tooltip label={formatDateTime(item.createdAt)} withArrow>
              <Text size="sm" c="dimmed" span>
                {formatDate(item.createdAt)}
              </Text>
            </Tooltip>
          </Table.Td>
        </>
      )}
      <Table.Td>
        <ItemMenu item={item} />
      </Table.Td>
    </Table.Tr>
  );
}

function EmptyLibrary({
  view,
  section,
  inFolder,
  canCreate,
  onCreate,
}: {
  view: LibraryView;
  section: Section;
  inFolder: boolean;
  canCreate: boolean;
  onCreate: () => void;
}) {
  if (view === 'shared') {
    return (
      <EmptyState
        variant="light"
        icon={<IconInbox size={26} stroke={1.6} />}
        title="Nothing has been shared with you yet"
        description="When someone adds you to a folder, draft or video, it shows up here."
      />
    );
  }
  return (
    <EmptyState
      variant="light"
      icon={<IconFolderOff size={26} stroke={1.6} />}
      title={
        inFolder
          ? 'This folder is empty'
          : section === 'mine'
            ? 'Your library is empty'
            : 'Nothing here you can open yet'
      }
      description={
        canCreate
          ? inFolder
            ? 'Add a folder, draft or video here with New.'
            : 'Create a folder to organise your work, or start a draft.'
          : inFolder
            ? undefined
            : 'Things shared with you are under Shared with me and Workspace.'
      }
    >
      {canCreate ? (
        <EmptyState.Actions>
          <Button variant="default" leftSection={<IconPlus size={16} />} onClick={onCreate}>
            New folder
          </Button>
        </EmptyState.Actions>
      ) : null}
    </EmptyState>
  );
}
