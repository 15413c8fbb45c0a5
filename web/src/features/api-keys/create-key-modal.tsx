import { Alert, Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import { CreateApiKeyBody, type CreatedApiKey } from '../../../../src/contract/index.ts';
import { formatDate } from '../../lib/dates.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { notifyError } from '../../lib/notify.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { CopyField } from '../../ui/copy-field.tsx';
import { useCreateApiKey } from './hooks.ts';

const expiryOptions = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
];

/** "Create API key": a name and an expiry; then the key, shown this once, with a copy button. */
export function CreateKeyModal({
  workspaceId,
  opened,
  onClose,
}: {
  workspaceId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const create = useCreateApiKey(workspaceId);
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('90');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<z.infer<typeof CreatedApiKey> | null>(null);

  const close = () => {
    if (create.isPending) return;
    onClose();
    // After the closing transition; the key is gone from memory once the dialog is closed.
    setTimeout(() => {
      setName('');
      setExpiry('90');
      setErrors({});
      setCreated(null);
      create.reset();
    }, 200);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(CreateApiKeyBody, {
      name,
      expiresInDays: expiry === 'never' ? null : Number(expiry),
    });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    create.mutate(
      { name: result.data.name, expiresInDays: result.data.expiresInDays ?? null },
      {
        onSuccess: (key) => setCreated(key),
        onError: (error) => {
          const { fields, form } = serverErrors(error, ['name', 'expiresInDays']);
          setErrors(fields);
          if (form) notifyError(error, "Couldn't create the key");
        },
      },
    );
  };

  return (
    <AppModal
      opened={opened}
      onClose={close}
      title={<Text fw={650}>{created ? 'Your new API key' : 'Create an API key'}</Text>}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy it now">
            This is the only time the key is shown. Store it somewhere safe, like a password manager or your
            CI's secrets; if you lose it, revoke it and create another.
          </Alert>
          <CopyField value={created.key} label="Copy key" testId="created-key" />
          <Text size="sm" c="dimmed">
            <b>{created.name}</b> ·{' '}
            {created.expiresAt ? `expires ${formatDate(created.expiresAt)}` : 'never expires'}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I've copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Name"
              description={errors.name ? undefined : 'What it is for, e.g. "CI uploads" or "Zapier".'}
              placeholder="CI uploads"
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setErrors(({ name: _, ...rest }) => rest);
              }}
              error={errors.name}
              maxLength={100}
              data-autofocus
            />
            <Select
              label="Expires after"
              data={expiryOptions}
              value={expiry}
              onChange={(value) => value && setExpiry(value)}
              allowDeselect={false}
              error={errors.expiresInDays}
              maw={240}
            />
            <Text size="xs" c="dimmed">
              The key acts as you, with your current role. It stops working if you leave the workspace or are
              no longer a Developer or Super Admin.
            </Text>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={close} disabled={create.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </AppModal>
  );
}
