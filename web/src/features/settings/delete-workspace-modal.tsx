import { Alert, Button, Code, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Workspace } from '../../../../src/contract/index.ts';
import { serverErrors } from '../../lib/form.ts';
import { forgetLastWorkspace, setLastWorkspace } from '../../lib/last-workspace.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { useSignedInUser } from '../auth/use-me.ts';
import { useDeleteWorkspace, useForgetWorkspace } from '../workspaces/hooks.ts';

/** Deleting needs the workspace's exact name typed in (the server checks it too). */
export function DeleteWorkspaceModal({
  workspace,
  opened,
  onClose,
}: {
  workspace: Workspace;
  opened: boolean;
  onClose: () => void;
}) {
  const me = useSignedInUser();
  const navigate = useNavigate();
  const remove = useDeleteWorkspace(workspace.id);
  const forget = useForgetWorkspace();
  const [confirmName, setConfirmName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const matches = confirmName === workspace.name;

  const close = () => {
    if (remove.isPending) return;
    setConfirmName('');
    setError(undefined);
    onClose();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!matches) {
      setError("That isn't the workspace's name. Type it exactly as shown.");
      return;
    }
    remove.mutate(confirmName, {
      onSuccess: async () => {
        // Land on Manage workspaces with another workspace as the current one, if any is left.
        const next = me.workspaces.find((w) => w.id !== workspace.id);
        if (next) setLastWorkspace(me.id, next.id);
        else forgetLastWorkspace(me.id, workspace.id);
        notifySuccess('Workspace deleted', `${workspace.name} has been deleted.`);
        onClose();
        await navigate('/workspaces', { replace: true });
        forget(workspace.id);
      },
      onError: (err) => {
        const { fields, form } = serverErrors(err, ['confirmName']);
        setError(fields.confirmName);
        if (form) notifyError(err, "Couldn't delete the workspace");
      },
    });
  };

  return (
    <AppModal opened={opened} onClose={close} title={<Text fw={650}>Delete workspace</Text>} size="md">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="lg">
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
            This permanently deletes <b>{workspace.name}</b>, its members' access and all of its content.
            There is no undo.
          </Alert>
          <TextInput
            label="Type the workspace's name to confirm"
            description={
              <>
                Enter <Code>{workspace.name}</Code> exactly as shown.
              </>
            }
            value={confirmName}
            onChange={(e) => {
              setConfirmName(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button type="submit" color="red" disabled={!matches} loading={remove.isPending}>
              Delete workspace
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
