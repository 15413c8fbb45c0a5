import { Badge, Button, EmptyState, Group, Paper, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconRestore, IconTrash, IconTrashX } from '@tabler/icons-react';
import { useState } from 'react';
import type { TrashedItem } from '../../../../src/contract/index.ts';
import { formatDateTime, formatRelative } from '../../lib/dates.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { useCurrentWorkspace } from '../workspaces/workspace-context.ts';
import { restoredMessage, useDeleteItem, useRestoreItem, useTrash } from './hooks.ts';
import { KindIcon, kindLabels } from './kinds.tsx';
import classes from './library.module.css';

/**
 * The workspace trash (SPEC §5): the deleted items the caller may restore (whoever could delete
 * them), with who deleted them, when, and the days left before they are deleted for good. Each
 * can be restored (with everything that went with it) or deleted forever (after a confirm).
 * A list of rows that wrap, so it reads the same at 390px as at 1280px.
 */
export function TrashPage() {
  const workspace = useCurrentWorkspace();
  useDocumentTitle(`Trash · ${workspace.name} · Troupe`);
  const trash = useTrash(workspace.id);
  const items = trash.data?.pages.flatMap((p) => p.items) ?? [];
  const [purging, setPurging] = useState<TrashedItem | null>(null);
  const purge = useDeleteItem(workspace.id, true);

  return (
    <>
      <PageHeader
        title="Trash"
        description="Deleted items you can restore. Each is deleted for good 30 days after it was deleted."
      />
      {trash.isPending ? (
        <Paper withBorder aria-busy="true" aria-label="Loading the trash">
          {[0, 1, 2].map((i) => (
            <Group key={i} p="md" gap="md" wrap="nowrap" className={classes.skeletonRow}>
              <Skeleton height={34} width={34} />
              <div style={{ flex: 1 }}>
                <Skeleton height={12} width="35%" mb={8} />
                <Skeleton height={10} width="50%" />
              </div>
            </Group>
          ))}
        </Paper>
      ) : trash.isError && items.length === 0 ? (
        <Paper withBorder>
          <ErrorState
            error={trash.error}
            title="We couldn't load the trash"
            onRetry={() => void trash.refetch()}
          />
        </Paper>
      ) : items.length === 0 ? (
        <Paper withBorder p={{ base: 'lg', sm: 48 }}>
          <EmptyState
            variant="light"
            icon={<IconTrash size={26} stroke={1.6} />}
            title="The trash is empty"
            description="What you delete stays here for 30 days, so you can bring it back."
          />
        </Paper>
      ) : (
        <>
          <Paper
            withBorder
            style={{ overflow: 'hidden' }}
            component="ul"
            p={0}
            m={0}
            aria-label="Deleted items"
          >
            {items.map((item) => (
              <TrashRow key={item.id} item={item} onPurge={() => setPurging(item)} />
            ))}
          </Paper>
          {trash.hasNextPage ? (
            <Group justify="center" mt="lg">
              <Button
                variant="default"
                loading={trash.isFetchingNextPage}
                onClick={() => void trash.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          ) : null}
        </>
      )}
      <ConfirmModal
        opened={purging !== null}
        onClose={() => {
          setPurging(null);
          purge.reset();
        }}
        title={purging ? `Delete “${purging.title}” forever?` : ''}
        confirmLabel="Delete forever"
        loading={purge.isPending}
        error={purge.error}
        onConfirm={() =>
          purging &&
          purge.mutate(purging.id, {
            onSuccess: () => {
              notifySuccess('Deleted forever', `“${purging.title}” can’t be restored any more.`);
              setPurging(null);
            },
          })
        }
      >
        <Text size="sm">
          {purging?.kind === 'folder'
            ? 'The folder and everything that was in it are deleted for good, with their video files and captions. This can’t be undone.'
            : 'It is deleted for good, with its video file and captions. This can’t be undone.'}
        </Text>
      </ConfirmModal>
    </>
  );
}

function TrashRow({ item, onPurge }: { item: TrashedItem; onPurge: () => void }) {
  const workspace = useCurrentWorkspace();
  const restore = useRestoreItem(workspace.id);
  const left =
    item.daysLeft === 0
      ? 'Deleted for good soon'
      : `${item.daysLeft} day${item.daysLeft === 1 ? '' : 's'} left`;
  return (
    <Group
      component="li"
      className={classes.trashRow}
      p="md"
      gap="md"
      wrap="nowrap"
      align="flex-start"
      data-testid="trash-item"
      data-title={item.title}
    >
      <KindIcon kind={item.kind} />
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Text fw={600} size="sm" truncate="end" title={item.title}>
          {item.title}
        </Text>
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {kindLabels[item.kind]} · Owner {item.ownerName} · Deleted by {item.trashedBy?.name ?? 'someone'}{' '}
          <Tooltip label={formatDateTime(item.trashedAt)} withArrow>
            <span>{formatRelative(item.trashedAt)}</span>
          </Tooltip>
        </Text>
        <Group gap="xs" mt={6} wrap="wrap">
          <Tooltip label={`Deleted for good on ${formatDateTime(item.purgeAt)}`} withArrow>
            <Badge variant="light" color={item.daysLeft <= 3 ? 'red' : 'gray'} data-testid="days-left">
              {left}
            </Badge>
          </Tooltip>
          <Button
            size="compact-sm"
            variant="light"
            leftSection={<IconRestore size={14} />}
            loading={restore.isPending}
            onClick={() =>
              restore.mutate(item.id, {
                onSuccess: (restored) => notifySuccess('Restored', restoredMessage(item, restored)),
                onError: (error) => notifyError(error, 'Couldn’t restore it'),
              })
            }
            aria-label={`Restore ${item.title}`}
          >
            Restore
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            leftSection={<IconTrashX size={14} />}
            onClick={onPurge}
            aria-label={`Delete ${item.title} forever`}
          >
            Delete forever
          </Button>
        </Group>
      </Stack>
    </Group>
  );
}
