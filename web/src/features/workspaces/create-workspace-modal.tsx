import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { CreateWorkspaceBody } from '../../../../src/contract/index.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { setLastWorkspace } from '../../lib/last-workspace.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { useCreateWorkspace } from './hooks.ts';

const MAX_NAME = 100;

/** "Create workspace": a name, then straight into the new workspace (the creator is its Super Admin). */
export function CreateWorkspaceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const me = useSignedInUser();
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});

  const close = () => {
    if (create.isPending) return;
    onClose();
    setName('');
    setErrors({});
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(CreateWorkspaceBody, { name });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    create.mutate(result.data, {
      onSuccess: async (workspace) => {
        setLastWorkspace(me.id, workspace.id);
        notifySuccess('Workspace created', `You're now in ${workspace.name}, as its Super Admin.`);
        onClose();
        setName('');
        setErrors({});
        await navigate(`/w/${workspace.id}`);
      },
      onError: (error) => {
        const { fields, form } = serverErrors(error, ['name']);
        setErrors(fields);
        if (form) notifyError(error, "Couldn't create the workspace");
      },
    });
  };

  const length = name.trim().length;

  return (
    <AppModal opened={opened} onClose={close} title={<Text fw={650}>Create a workspace</Text>} size="md">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="lg">
          <Text size="sm" c="dimmed">
            A workspace is where your team's folders, drafts and videos live. You'll be its Super Admin and
            can invite teammates next.
          </Text>
          <TextInput
            label="Workspace name"
            placeholder="e.g. Acme Marketing"
            description={
              errors.name ? undefined : 'Usually your team or company name. You can change it later.'
            }
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setErrors({});
            }}
            error={errors.name}
            rightSection={
              length > MAX_NAME - 20 ? (
                <Text size="xs" c={length > MAX_NAME ? 'red' : 'dimmed'}>
                  {MAX_NAME - length}
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
              Create workspace
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
