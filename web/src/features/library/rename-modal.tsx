import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type Item, UpdateItemBody } from '../../../../src/contract/index.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { useUpdateItem } from './hooks.ts';
import { kindLabels } from './kinds.tsx';

/** "Rename": the title, pre-filled. Rendered only while open, so it starts from the current title. */
export function RenameModal({ item, onClose }: { item: Item; onClose: () => void }) {
  const update = useUpdateItem(item.workspaceId);
  const [title, setTitle] = useState(item.title);
  const [errors, setErrors] = useState<FieldErrors>({});

  const close = () => {
    if (!update.isPending) onClose();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(UpdateItemBody, { title });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    const next = result.data.title as string;
    if (next === item.title) {
      onClose();
      return;
    }
    update.mutate(
      { id: item.id, title: next },
      {
        onSuccess: (updated) => {
          notifySuccess('Renamed', `“${item.title}” is now “${updated.title}”.`);
          onClose();
        },
        onError: (error) => {
          const { fields, form } = serverErrors(error, ['title']);
          setErrors(fields);
          if (form) notifyError(error, "Couldn't rename it");
        },
      },
    );
  };

  return (
    <AppModal
      opened
      onClose={close}
      title={<Text fw={650}>Rename {kindLabels[item.kind].toLowerCase()}</Text>}
      size="md"
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="lg">
          <TextInput
            label={item.kind === 'folder' ? 'Folder name' : 'Title'}
            value={title}
            onChange={(e) => {
              setTitle(e.currentTarget.value);
              setErrors({});
            }}
            onFocus={(e) => e.currentTarget.select()}
            error={errors.title}
            maxLength={250}
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={update.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Rename
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
