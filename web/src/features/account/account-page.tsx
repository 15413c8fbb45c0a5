import {
  Alert,
  Avatar,
  Badge,
  Button,
  Group,
  Paper,
  Skeleton,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDisclosure, useDocumentTitle } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconDeviceDesktop,
  IconDeviceMobile,
  IconLogout,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Account, AccountSession } from '../../../../src/contract/index.ts';
import { ChangePasswordBody, UpdateAccountBody } from '../../../../src/contract/index.ts';
import { api } from '../../lib/api.ts';
import { formatDateTime, formatRelative } from '../../lib/dates.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { AppModal } from '../../ui/app-modal.tsx';
import { ErrorState } from '../../ui/error-state.tsx';
import { PageHeader } from '../../ui/page-header.tsx';
import { PasswordField } from '../../ui/password-field.tsx';
import { useAccount } from './use-account.ts';

/** Your account (SPEC §1): name, password, sessions, and deleting the account. */
export function AccountPage() {
  useDocumentTitle('Your account · Troupe');
  const account = useAccount();

  return (
    <>
      <PageHeader title="Your account" description="Your name, password and signed-in devices." />
      {account.isPending ? (
        <Skeleton height={320} radius="lg" />
      ) : account.isError ? (
        <Paper withBorder>
          <ErrorState
            error={account.error}
            title="We couldn't load your account"
            onRetry={() => void account.refetch()}
          />
        </Paper>
      ) : (
        <Stack gap="lg" maw={760}>
          <ProfileCard account={account.data} />
          <PasswordCard />
          <SessionsCard />
          <DeleteCard account={account.data} />
        </Stack>
      )}
    </>
  );
}

function Card({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children: React.ReactNode;
}) {
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="lg" component="section" aria-label={title}>
      <Title order={3} fz="lg" mb={4}>
        {title}
      </Title>
      {description ? (
        <Text size="sm" c="dimmed" mb="md">
          {description}
        </Text>
      ) : null}
      {children}
    </Paper>
  );
}

function ProfileCard({ account }: { account: Account }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(account.name);
  const [errors, setErrors] = useState<FieldErrors>({});
  const save = useMutation({
    mutationFn: api.account.update,
    onSuccess: async (updated) => {
      queryClient.setQueryData(queryKeys.account, updated);
      await queryClient.invalidateQueries({ queryKey: queryKeys.me });
      notifySuccess('Name saved', `You're now ${updated.name}.`);
    },
    onError: (error) => {
      const { fields, form } = serverErrors(error, ['name']);
      setErrors(fields);
      if (form) notifyError(error, "Couldn't save your name");
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(UpdateAccountBody, { name });
    if (!checked.ok) return setErrors(checked.errors);
    save.mutate(checked.data);
  };
  const unchanged = name.trim() === account.name;

  return (
    <Card title="Profile">
      <form onSubmit={onSubmit} noValidate>
        <Group align="flex-start" gap="lg" wrap="nowrap">
          <Avatar
            size={56}
            radius="xl"
            color="initials"
            name={account.name}
            aria-hidden
            data-testid="account-avatar"
          >
            {account.initials}
          </Avatar>
          <Stack gap="sm" style={{ flex: 1, minWidth: 0 }}>
            <TextInput
              label="Name"
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setErrors({});
              }}
              error={errors.name}
              maxLength={100}
              autoComplete="name"
            />
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              Email: {account.email}
              {account.emailVerified ? '' : ' (not verified yet)'}
            </Text>
            <Group>
              <Button type="submit" loading={save.isPending} disabled={unchanged}>
                Save name
              </Button>
            </Group>
          </Stack>
        </Group>
      </form>
    </Card>
  );
}

function PasswordCard() {
  const queryClient = useQueryClient();
  const empty = { currentPassword: '', newPassword: '', signOutOtherSessions: true };
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: api.account.changePassword,
    onSuccess: (result) => {
      setValues(empty);
      void queryClient.invalidateQueries({ queryKey: queryKeys.accountSessions });
      notifySuccess(
        'Password changed',
        result.signedOutSessions > 0
          ? `Signed out of ${result.signedOutSessions} other ${result.signedOutSessions === 1 ? 'session' : 'sessions'}.`
          : undefined,
      );
    },
    onError: (error) => {
      const { fields, form } = serverErrors(error, ['currentPassword', 'newPassword']);
      setErrors(fields);
      setFormError(form ?? null);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const checked = validate(ChangePasswordBody, values);
    if (!checked.ok) return setErrors(checked.errors);
    change.mutate(checked.data);
  };
  const set = (field: 'currentPassword' | 'newPassword') => (e: React.ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
    setErrors(({ [field]: _, ...rest }) => rest);
  };

  return (
    <Card title="Password" description="At least 8 characters. You stay signed in on this device.">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm" maw={420}>
          {formError ? (
            <Alert color="red" variant="light" role="alert">
              {formError}
            </Alert>
          ) : null}
          <PasswordField
            label="Current password"
            value={values.currentPassword}
            onChange={set('currentPassword')}
            error={errors.currentPassword}
            autoComplete="current-password"
          />
          <PasswordField
            label="New password"
            value={values.newPassword}
            onChange={set('newPassword')}
            error={errors.newPassword}
            autoComplete="new-password"
          />
          <Switch
            label="Sign out of my other sessions"
            checked={values.signOutOtherSessions}
            onChange={(e) => {
              const checked = e.currentTarget.checked;
              setValues((v) => ({ ...v, signOutOtherSessions: checked }));
            }}
          />
          <Group>
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function SessionsCard() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: queryKeys.accountSessions, queryFn: api.account.sessions });
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.accountSessions });
  const revoke = useMutation({
    mutationFn: api.account.revokeSession,
    onSuccess: () => notifySuccess('Signed out', 'That session has ended.'),
    onError: (error) => notifyError(error, "Couldn't sign that session out"),
    onSettled: refresh,
  });
  const revokeOthers = useMutation({
    mutationFn: api.account.revokeOtherSessions,
    onSuccess: (r) =>
      notifySuccess(
        'Signed out everywhere else',
        `${r.revoked} ${r.revoked === 1 ? 'session' : 'sessions'} ended.`,
      ),
    onError: (error) => notifyError(error, "Couldn't sign the other sessions out"),
    onSettled: refresh,
  });
  const list = sessions.data?.sessions ?? [];
  const others = list.filter((s) => !s.current).length;

  return (
    <Card title="Where you're signed in" description="Sign out of a device you don't use or don't recognise.">
      {sessions.isPending ? (
        <Skeleton height={120} />
      ) : sessions.isError ? (
        <ErrorState
          error={sessions.error}
          title="We couldn't load your sessions"
          onRetry={() => void refresh()}
        />
      ) : (
        <Stack gap="sm">
          {list.map((s) => (
            <SessionRow
              key={s.id}
              session={s}
              pending={revoke.isPending && revoke.variables === s.id}
              onSignOut={() => revoke.mutate(s.id)}
            />
          ))}
          <Group>
            <Button
              variant="default"
              leftSection={<IconLogout size={16} />}
              disabled={others === 0}
              loading={revokeOthers.isPending}
              onClick={() => revokeOthers.mutate()}
            >
              Sign out of all other sessions
            </Button>
          </Group>
        </Stack>
      )}
    </Card>
  );
}

function SessionRow({
  session,
  pending,
  onSignOut,
}: {
  session: AccountSession;
  pending: boolean;
  onSignOut: () => void;
}) {
  const mobile = /iOS|Android/.test(session.device);
  const Icon = mobile ? IconDeviceMobile : IconDeviceDesktop;
  return (
    <Paper withBorder p="sm" radius="md" data-testid="session-row" data-current={session.current}>
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0, flex: 1 }}>
          <Icon size={24} stroke={1.5} style={{ flex: 'none' }} aria-hidden />
          <Stack gap={2} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="wrap">
              <Tooltip label={session.userAgent ?? 'No browser details were sent'} multiline maw={320}>
                <Text size="sm" fw={600} tabIndex={0}>
                  {session.device}
                </Text>
              </Tooltip>
              {session.current ? (
                <Badge size="sm" variant="light" color="green">
                  This device
                </Badge>
              ) : null}
            </Group>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {session.ipAddress ? `${session.ipAddress} · ` : ''}Signed in{' '}
              {formatDateTime(session.createdAt)} · Last active {formatRelative(session.lastActiveAt)}
            </Text>
          </Stack>
        </Group>
        {session.current ? null : (
          <Button size="xs" variant="light" color="red" loading={pending} onClick={onSignOut}>
            Sign out
          </Button>
        )}
      </Group>
    </Paper>
  );
}

function DeleteCard({ account }: { account: Account }) {
  const [opened, modal] = useDisclosure(false);
  const blocked = !account.deletion.allowed;
  return (
    <Card
      title="Delete account"
      description="Your memberships end and what you own in each workspace passes to its longest-serving Super Admin. This cannot be undone."
    >
      <Stack gap="sm">
        {blocked ? (
          <Alert
            color="orange"
            variant="light"
            icon={<IconAlertTriangle size={18} />}
            data-testid="delete-blocked"
          >
            {account.deletion.reason}
          </Alert>
        ) : null}
        <Group>
          <Button
            color="red"
            variant="outline"
            leftSection={<IconTrash size={16} />}
            disabled={blocked}
            onClick={modal.open}
          >
            Delete my account
          </Button>
        </Group>
      </Stack>
      <DeleteAccountModal email={account.email} opened={opened} onClose={modal.close} />
    </Card>
  );
}

function DeleteAccountModal({
  email,
  opened,
  onClose,
}: {
  email: string;
  opened: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const remove = useMutation({
    mutationFn: api.account.delete,
    onSuccess: async () => {
      onClose();
      await navigate('/sign-in', { replace: true });
      queryClient.clear();
      notifySuccess('Account deleted', `${email} no longer has a Troupe account.`);
    },
    onError: (err) => {
      const { fields, form } = serverErrors(err, ['password']);
      setError(fields.password ?? form);
    },
  });
  const close = () => {
    if (remove.isPending) return;
    setPassword('');
    setError(undefined);
    onClose();
  };
  return (
    <AppModal opened={opened} onClose={close} title={<Text fw={650}>Delete your account?</Text>} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!password) return setError('Enter your password to confirm');
          remove.mutate({ password });
        }}
        noValidate
      >
        <Stack gap="md">
          <Text size="sm">
            This deletes <b>{email}</b> and signs you out everywhere. Enter your password to confirm.
          </Text>
          <PasswordField
            label="Password"
            value={password}
            onChange={(e) => {
              setPassword(e.currentTarget.value);
              setError(undefined);
            }}
            error={error}
            autoComplete="current-password"
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={remove.isPending}>
              Delete account
            </Button>
          </Group>
        </Stack>
      </form>
    </AppModal>
  );
}
