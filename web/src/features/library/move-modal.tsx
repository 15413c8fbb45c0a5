import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  ScrollArea,
  SegmentedControl,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { IconAlertCircle, IconChevronRight, IconFolderOff } from '@tabler/icons-react';
import { useState } from 'react';
import type { Item } from '../../../../src/contract/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { type LibraryView, useItems, useItemTrail, useUpdateItem } from './hooks.ts';
import { KindIcon } from './kinds.tsx';
import classes from './library.module.css';

/**
 * "Move": browse folders (from the library root, or from what was shared with you) and move the
 * item into the one being shown. Only folders you can edit accept it; the item itself (and so
 * everything inside it) can't be entered.
 */
export function MoveModal({ item, onClose }: { item: Item; onClose: () => void }) {
  const update = useUpdateItem(item.workspaceId);
  const [view, setView] = useState<LibraryView>('folder');
  /** The folders opened so far, outermost first; empty: the top of `view`. */
  const [path, setPath] = useState<Item[]>([]);
  const current = path[path.length - 1] ?? null;
  const list = useItems(item.workspaceId, {
    view: current ? 'folder' : view,
    parentId: current?.id ?? null,
    sort: 'name',
  });
  const pages = list.data?.pages ?? [];
  const folders = pages.flatMap((p) => p.items).filter((i) => i.kind === 'folder');
  const atSharedTop = !current && view === 'shared';
  // In a folder, name order puts folders first: once a page holds something else, there are no
  // more folders. "Shared with me" is in the order things were shared: a folder may come on any page.
  const moreFolders =
    list.hasNextPage && (atSharedTop || pages.every((p) => p.items.every((i) => i.kind === 'folder')));

  // A folder cannot move into a folder inside it. Opened from "Shared with me", such a folder is not
  // under it in `path`: the folders above the one shown say (the moved folder is among them).
  const trail = useItemTrail(item.kind === 'folder' && current ? current.id : undefined);
  const insideItself =
    item.kind === 'folder' &&
    (path.some((f) => f.id === item.id) || (trail.data?.ancestors ?? []).some((a) => a.id === item.id));
  const checking = item.kind === 'folder' && current !== null && trail.isPending;

  // At the library root an item keeps only its own sharing: the server refuses a move there that
  // leaves the mover without access, and says beforehand (`abilities.moveToRoot`).
  const toRoot = !current && view === 'folder' && item.parentId !== null;
  const losesAccess = toRoot && !item.abilities.moveToRoot;

  const targetId = current?.id ?? null;
  const alreadyHere = !atSharedTop && targetId === item.parentId;
  const canDrop =
    atSharedTop || insideItself || checking || losesAccess ? false : current ? current.abilities.edit : true;
  const targetName = current ? `“${current.title}”` : 'Library root';

  const close = () => {
    if (!update.isPending) onClose();
  };

  const loadMore = (
    <Button
      variant="subtle"
      size="xs"
      loading={list.isFetchingNextPage}
      onClick={() => void list.fetchNextPage()}
    >
      Load more
    </Button>
  );

  const move = () =>
    update.mutate(
      { id: item.id, parentId: targetId },
      {
        onSuccess: () => {
          notifySuccess(
            'Moved',
            `“${item.title}” is now in ${current ? current.title : 'the library root'}.`,
          );
          onClose();
        },
      },
    );

  return (
    <AppModal opened onClose={close} title={<Text fw={650}>Move “{item.title}”</Text>} size="lg">
      <Stack gap="md">
        <SegmentedControl
          value={view}
          onChange={(value) => {
            setView(value as LibraryView);
            setPath([]);
            update.reset();
          }}
          data={[
            { value: 'folder', label: 'My library' },
            { value: 'shared', label: 'Shared with me' },
          ]}
          aria-label="Browse"
          fullWidth
        />
        <Breadcrumbs separator={<IconChevronRight size={14} />} separatorMargin={4} aria-label="Folder path">
          <Anchor
            component="button"
            type="button"
            size="sm"
            c={path.length === 0 ? undefined : 'dimmed'}
            fw={path.length === 0 ? 600 : undefined}
            onClick={() => setPath([])}
          >
            {view === 'shared' ? 'Shared with me' : 'Library root'}
          </Anchor>
          {path.map((folder, index) => (
            <Anchor
              key={folder.id}
              component="button"
              type="button"
              size="sm"
              c={index === path.length - 1 ? undefined : 'dimmed'}
              fw={index === path.length - 1 ? 600 : undefined}
              onClick={() => setPath(path.slice(0, index + 1))}
            >
              {folder.title}
            </Anchor>
          ))}
        </Breadcrumbs>

        <Paper withBorder radius="md">
          <ScrollArea.Autosize mah={300} type="auto" scrollbars="y">
            {list.isPending ? (
              <Center p="xl">
                <Loader size="sm" />
              </Center>
            ) : list.isError ? (
              <Text size="sm" c="red" p="md" role="alert">
                {errorMessage(list.error)}
              </Text>
            ) : folders.length === 0 ? (
              <Stack align="center" gap={4} p="xl">
                <IconFolderOff size={22} stroke={1.6} color="var(--mantine-color-dimmed)" />
                <Text size="sm" c="dimmed">
                  {moreFolders
                    ? 'No folders among the first things shared with you.'
                    : atSharedTop
                      ? 'No folders have been shared with you.'
                      : 'No folders here.'}
                </Text>
                {moreFolders ? loadMore : null}
              </Stack>
            ) : (
              <Stack gap={0}>
                {folders.map((folder) => {
                  const self = folder.id === item.id;
                  return (
                    <UnstyledButton
                      key={folder.id}
                      className={classes.pickerRow}
                      disabled={self}
                      onClick={() => {
                        setPath([...path, folder]);
                        update.reset();
                      }}
                      aria-label={self ? `${folder.title} (the folder being moved)` : `Open ${folder.title}`}
                      data-testid="move-folder"
                      data-title={folder.title}
                    >
                      <Group gap="sm" wrap="nowrap">
                        <KindIcon kind="folder" size={28} />
                        <Text size="sm" fw={500} truncate="end" style={{ flex: 1 }}>
                          {folder.title}
                        </Text>
                        {self ? (
                          <Text size="xs" c="dimmed">
                            Being moved
                          </Text>
                        ) : folder.abilities.edit ? null : (
                          <Badge variant="light" color="gray" tt="none" size="sm">
                            Can view
                          </Badge>
                        )}
                        {self ? null : <IconChevronRight size={16} color="var(--mantine-color-dimmed)" />}
                      </Group>
                    </UnstyledButton>
                  );
                })}
                {moreFolders ? <Center p="xs">{loadMore}</Center> : null}
              </Stack>
            )}
          </ScrollArea.Autosize>
        </Paper>

        {update.error ? (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(update.error)}
          </Alert>
        ) : null}

        {/* The reason takes a line of its own above the buttons where both do not fit (a phone). */}
        <Group justify="space-between" gap="sm">
          <Text size="xs" c="dimmed" style={{ flex: '1 1 14rem', minWidth: 0 }}>
            {atSharedTop
              ? 'Open a folder to move it there.'
              : insideItself
                ? `${targetName} is inside “${item.title}”: a folder cannot move into its own subfolder.`
                : losesAccess
                  ? 'At the library root it keeps only its own sharing, which does not include you: ask its owner or a Super Admin to move it.'
                  : checking
                    ? 'Checking where this folder is…'
                    : alreadyHere
                      ? 'It is already here.'
                      : canDrop
                        ? 'It will take on the sharing of the folder it moves into.'
                        : 'You can only view this folder, so you cannot move things into it.'}
          </Text>
          <Group gap="sm" wrap="nowrap" style={{ flex: 'none', marginLeft: 'auto' }}>
            <Button variant="default" onClick={close} disabled={update.isPending}>
              Cancel
            </Button>
            <Button onClick={move} loading={update.isPending} disabled={!canDrop || alreadyHere}>
              {atSharedTop ? 'Move here' : `Move to ${targetName}`}
            </Button>
          </Group>
        </Group>
      </Stack>
    </AppModal>
  );
}
