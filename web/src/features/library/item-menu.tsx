import { ActionIcon, Button, Group, Menu, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconDots,
  IconEye,
  IconFolderOpen,
  IconFolderSymlink,
  IconLink,
  IconPencil,
  IconShare,
  IconTrash,
  IconUsers,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Item } from '../../../../src/contract/index.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { restoredMessage, restoreItem, useDeleteItem } from './hooks.ts';
import { kindLabels } from './kinds.tsx';
import { itemLink, openPath, trashPath } from './links.ts';
import { MoveModal } from './move-modal.tsx';
import { RenameModal } from './rename-modal.tsx';
import { ShareDialog } from './share-dialog.tsx';

type Dialog = 'share' | 'rename' | 'move' | 'delete' | null;

/**
 * An item's three-dot menu. It offers only what the server will accept, from the item's
 * `abilities`: Share (or, read-only, Who has access), Rename, Move, Delete.
 */
export function ItemMenu({
  item,
  withOpen = true,
  onDeleted,
}: {
  item: Item;
  /** Offer "Open" (not on the item's own page). */
  withOpen?: boolean;
  /** After a delete, e.g. to leave the deleted item's page. */
  onDeleted?: (item: Item) => void;
}) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const remove = useDeleteItem(item.workspaceId);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { abilities } = item;
  const kind = kindLabels[item.kind].toLowerCase();

  const closeDelete = () => {
    setDialog(null);
    remove.reset();
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Actions for ${item.title}`}
            data-testid="item-menu"
          >
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {withOpen ? (
            <Menu.Item
              component={Link}
              to={openPath(item)}
              leftSection={item.kind === 'folder' ? <IconFolderOpen size={16} /> : <IconEye size={16} />}
            >
              Open
            </Menu.Item>
          ) : null}
          {abilities.share ? (
            <Menu.Item leftSection={<IconShare size={16} />} onClick={() => setDialog('share')}>
              Share
            </Menu.Item>
          ) : (
            <Menu.Item leftSection={<IconUsers size={16} />} onClick={() => setDialog('share')}>
              Who has access
            </Menu.Item>
          )}
          <Menu.Item
            leftSection={<IconLink size={16} />}
            onClick={() => {
              const link = itemLink(window.location.origin, item.workspaceId, item.id);
              (navigator.clipboard?.writeText(link) ?? Promise.reject(new Error('no clipboard'))).then(
                () => notifySuccess('Link copied', `Only people with access to “${item.title}” can open it.`),
                () => notifyError(new Error(`Copy this link instead: ${link}`), "Couldn't copy the link"),
              );
            }}
          >
            Copy link
          </Menu.Item>
          {abilities.edit ? (
            <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setDialog('rename')}>
              Rename
            </Menu.Item>
          ) : null}
          {abilities.move ? (
            <Menu.Item leftSection={<IconFolderSymlink size={16} />} onClick={() => setDialog('move')}>
              Move
            </Menu.Item>
          ) : null}
          {abilities.delete ? (
            <>
              <Menu.Divider />
              <Menu.Item
                color="red"
                leftSection={<IconTrash size={16} />}
                onClick={() => setDialog('delete')}
              >
                Delete
              </Menu.Item>
            </>
          ) : null}
        </Menu.Dropdown>
      </Menu>

      {dialog === 'share' ? <ShareDialog item={item} onClose={() => setDialog(null)} /> : null}
      {dialog === 'rename' ? <RenameModal item={item} onClose={() => setDialog(null)} /> : null}
      {dialog === 'move' ? <MoveModal item={item} onClose={() => setDialog(null)} /> : null}
      <ConfirmModal
        opened={dialog === 'delete'}
        onClose={closeDelete}
        title={
          item.kind === 'folder' ? `Delete “${item.title}” and everything in it?` : `Delete “${item.title}”?`
        }
        confirmLabel={item.kind === 'folder' ? 'Delete folder and contents' : `Delete ${kind}`}
        loading={remove.isPending}
        error={remove.error}
        onConfirm={() =>
          remove.mutate(item.id, {
            onSuccess: () => {
              setDialog(null);
              showUndo(
                item,
                () =>
                  void restoreItem(queryClient, item.workspaceId, item.id).then(
                    (restored) => notifySuccess('Restored', restoredMessage(item, restored)),
                    (error) => notifyError(error, 'Couldn’t restore it'),
                  ),
                () => void navigate(trashPath(item.workspaceId)),
              );
              onDeleted?.(item);
            },
          })
        }
      >
        <Text size="sm">
          {item.kind === 'folder'
            ? 'The folder and everything inside it (subfolders, drafts, videos, avatars and voices) move to the trash, gone for everyone who has access. You can restore them from the Trash for 30 days.'
            : `The ${kind} moves to the trash, gone for everyone who has access. You can restore it from the Trash for 30 days.`}
        </Text>
      </ConfirmModal>
    </>
  );
}

/** "Moved to the trash" with Undo (restores it) and a link to the Trash page. */
function showUndo(item: Item, undo: () => void, openTrash: () => void) {
  const id = `deleted-${item.id}`;
  notifications.show({
    id,
    title: `${kindLabels[item.kind]} moved to the trash`,
    color: 'gray',
    autoClose: 8000,
    withBorder: true,
    message: (
      <>
        <Text size="sm" truncate="end" title={item.title}>
          {item.kind === 'folder' ? `“${item.title}” and everything in it` : `“${item.title}”`}
        </Text>
        <Group gap="xs" mt={6}>
          <Button
            size="compact-sm"
            variant="light"
            data-testid="undo-delete"
            onClick={() => {
              notifications.hide(id);
              undo();
            }}
          >
            Undo
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            onClick={() => {
              notifications.hide(id);
              openTrash();
            }}
          >
            Open Trash
          </Button>
        </Group>
      </>
    ),
  });
}
