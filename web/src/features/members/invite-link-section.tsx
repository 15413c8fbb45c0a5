import { Alert, Anchor, Button, Group, NumberInput, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { IconInfoCircle, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type InviteLink,
  linkRoles,
  roleLabels,
  type UpdateInviteLinkBody,
} from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/dates.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { ConfirmModal } from '../../ui/confirm-modal.tsx';
import { CopyField } from '../../ui/copy-field.tsx';

const DAY = 24 * 60 * 60 * 1000;
const expiryOptions = [
  { value: 'never', label: 'Never expires' },
  { value: '1', label: 'Expires in 1 day' },
  { value: '7', label: 'Expires in 7 days' },
  { value: '30', label: 'Expires in 30 days' },
];
const linkRoleOptions = linkRoles.map((r) => ({ value: r, label: roleLabels[r] }));

/**
 * The workspace's invite link in the invite dialog (SPEC §4.3): copy it, turn it off, choose the
 * role joiners get (never Super Admin), an expiry and a number of uses, or replace it.
 */
export function InviteLinkSection({
  workspaceId,
  requireApproval,
}: {
  workspaceId: string;
  requireApproval: boolean;
}) {
  const queryClient = useQueryClient();
  const link = useQuery({
    queryKey: queryKeys.inviteLink(workspaceId),
    queryFn: () => api.inviteLink.get(workspaceId),
  });
  const save = (data: InviteLink) => queryClient.setQueryData(queryKeys.inviteLink(workspaceId), data);
  const update = useMutation({
    mutationFn: (body: UpdateInviteLinkBody) => api.inviteLink.update(workspaceId, body),
    onSuccess: save,
    onError: (e) => notifyError(e, "Couldn't change the invite link"),
  });
  const rotate = useMutation({
    mutationFn: () => api.inviteLink.rotate(workspaceId),
    onSuccess: (data) => {
      save(data);
      setConfirmRotate(false);
      notifySuccess('New invite link', 'The old link no longer works.');
    },
  });
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [maxUses, setMaxUses] = useState<string | number>('');

  if (link.isPending)
    return (
      <Text size="sm" c="dimmed">
        Loading the invite link…
      </Text>
    );
  if (link.isError)
    return (
      <Alert color="red" variant="light">
        {link.error.message}
      </Alert>
    );
  const l = link.data;
  const usedUp = l.maxUses !== null && l.uses >= l.maxUses;
  const expired = l.expiresAt !== null && Date.parse(l.expiresAt) <= Date.now();

  return (
    <Stack gap="sm" data-testid="invite-link-section">
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Title order={4} fz="sm">
          Invite link
        </Title>
        <Switch
          label={l.enabled ? 'On' : 'Off'}
          checked={l.enabled}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ enabled: e.currentTarget.checked })}
          aria-label="Invite link on"
          data-testid="invite-link-enabled"
        />
      </Group>
      {l.enabled ? (
        <CopyField value={l.url} label="Copy link" testId="invite-link-url" />
      ) : (
        <Text size="sm" c="dimmed">
          The link is off: nobody can join with it. Turn it on to share it.
        </Text>
      )}
      <Text size="xs" c="dimmed">
        {requireApproval ? (
          <>
            People who open it ask to join; a Super Admin approves them (
            <Anchor component={Link} to={`/w/${workspaceId}/settings`} size="xs">
              change in Settings
            </Anchor>
            ).
          </>
        ) : (
          'Anyone with the link who signs in with a verified email joins at once, while seats last.'
        )}{' '}
        Used {l.uses} {l.uses === 1 ? 'time' : 'times'}
        {l.maxUses !== null ? ` of ${l.maxUses}` : ''}
        {l.expiresAt ? ` · ${expired ? 'expired' : 'expires'} ${formatDateTime(l.expiresAt)}` : ''}.
      </Text>
      {usedUp || expired ? (
        <Alert color="orange" variant="light" icon={<IconInfoCircle size={16} />} p="xs">
          {usedUp ? 'The link has been used as many times as it allows.' : 'The link has expired.'} Change the
          limit below or make a new link.
        </Alert>
      ) : null}
      <Group gap="sm" wrap="wrap" align="flex-end">
        <Select
          label="Joiners become"
          data={linkRoleOptions}
          value={l.role}
          onChange={(v) => v && v !== l.role && update.mutate({ role: v as UpdateInviteLinkBody['role'] })}
          allowDeselect={false}
          disabled={update.isPending}
          size="xs"
          w={140}
        />
        <Select
          label="Expiry"
          data={expiryOptions}
          value={l.expiresAt ? null : 'never'}
          placeholder={l.expiresAt ? formatDateTime(l.expiresAt) : undefined}
          onChange={(v) =>
            v &&
            update.mutate({
              expiresAt: v === 'never' ? null : new Date(Date.now() + Number(v) * DAY).toISOString(),
            })
          }
          disabled={update.isPending}
          size="xs"
          w={170}
        />
        <NumberInput
          label="Max uses"
          placeholder={l.maxUses === null ? 'Unlimited' : String(l.maxUses)}
          value={maxUses}
          onChange={setMaxUses}
          min={Math.max(1, l.uses)}
          max={100000}
          allowDecimal={false}
          size="xs"
          w={110}
          onBlur={() => {
            if (maxUses === '' || Number(maxUses) < l.uses) return;
            update.mutate({ maxUses: Number(maxUses) }, { onSettled: () => setMaxUses('') });
          }}
          error={typeof maxUses === 'number' && maxUses < l.uses ? `At least ${l.uses}` : undefined}
        />
        {l.maxUses !== null ? (
          <Button size="xs" variant="subtle" onClick={() => update.mutate({ maxUses: null })}>
            No limit
          </Button>
        ) : null}
      </Group>
      <Group justify="flex-start">
        <Button
          size="xs"
          variant="default"
          leftSection={<IconRefresh size={14} />}
          onClick={() => setConfirmRotate(true)}
        >
          Make a new link
        </Button>
      </Group>
      <ConfirmModal
        opened={confirmRotate}
        onClose={() => setConfirmRotate(false)}
        title="Replace the invite link?"
        confirmLabel="Make a new link"
        color="orange"
        loading={rotate.isPending}
        error={rotate.error}
        onConfirm={() => rotate.mutate()}
      >
        <Text size="sm">
          The current link stops working at once, for everyone who has it. The new one keeps the same settings
          and counts uses from 0.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
