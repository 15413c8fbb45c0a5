import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { CreateItemBody, type Item, type ItemKind } from '../../../../src/contract/index.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { useCreateItem } from './hooks.ts';
import { KindIcon, kindLabels } from './kinds.tsx';

const MAX_TITLE = 200;

/** "New folder / draft / ...": a title, created in the folder being viewed (or the library root). */
export function CreateItemModal({
  workspaceId,
  kind,
  parent,
  onClose,
  onCreated,
}: {
  workspaceId: string;
  /** The kind being created; null when closed. */
  kind: ItemKind | null;
  parent: Item | null;
  onClose: () => void;
  onCreated?: (item: Item) => void;
}) {
  const create = useCreateItem(workspaceId);
  const [title, setTitle] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const label = kind ? kindLabels[kind] : '';

  const close = () => {
    if (create.isPending) return;
    onClose();
    setTimeout(() => {
      setTitle('');
      setErrors({});
      create.reset();
    }, 200);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!kind) return;
    const result = validate(CreateItemBody, { kind, title, parentId: parent?.id ?? null });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    create.mutate(
      { kind, title: result.data.title, parentId: parent?.id ?? null },
      {
        onSuccess: (item) => {
          notifySuccess(
            `${kindLabels[item.kind]} created`,
            parent ? `“${item.title}” is in ${parent.title}.` : `“${item.title}” is in your library.`,
          );
          close();
          onCreated?.(item);
        },
        onError: (error) => {
          const { fields, form } = serverErrors(error, ['title']);
          setErrors(fields);
          if (form) notifyError(error, `Couldn't create the ${label.toLowerCase()}`);
        },
      },
    );
  };

  const length = title.trim().length;

  return (
    <AppModal
      opened={kind !== null}
      onClose={close}
      title={
        <Group gap="sm" wrap="nowrap">
          {kind ? <KindIcon kind={kind} size={28} /> : null}
          <Text fw={650}>New {label.toLowerCase()}</Text>
        </Group>
      }
      size="md"
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="lg">
          <TextInput
            label={kind === 'folder' ? 'Folder name' : 'Title'}
            placeholder={kind === 'folder' ? 'e.g. Spring campaign' : `Untitled ${label.toLowerCase()}`}
            description={
              errors.title
                ? undefined
                : parent
                  ? `In ${parent.title}; it starts with the folder's sharing.`
                  : 'In your library; only you (and Super Admins) can see it until you share it.'
            }
            value={title}
            onChange={(e) => {
              setTitle(e.currentTarget.value);
              setErrors({});
            }}
            error={errors.title}
            rightSection={
              length > MAX_TITLE - 20 ? (
                <Text size="xs" c={length > MAX_TITLE ? 'red' : 'dimmed'}>
                  {MAX_TITLE - length}
                </Text>
              ) : null
            }
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
