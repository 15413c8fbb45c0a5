import { Alert, Anchor, Button, Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconAlertCircle,
  IconArmchair,
  IconCalendarTime,
  IconLinkOff,
  IconUserExclamation,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { InvitationPreview, Me } from '../../../../src/contract/index.ts';
import { ApiError, api, errorMessage } from '../../lib/api.ts';
import { formatDate } from '../../lib/dates.ts';
import { setLastWorkspace } from '../../lib/last-workspace.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { roleDescriptions } from '../../lib/roles.ts';
import { authLink } from '../../lib/safe-next.ts';
import { FullPageLoader } from '../../ui/full-page-loader.tsx';
import { RoleBadge } from '../../ui/role-badge.tsx';
import { AuthLayout } from '../auth/auth-layout.tsx';
import { useMe } from '../auth/use-me.ts';
import { VerifyFirst } from '../auth/verify-first.tsx';
import { WorkspaceAvatar } from '../workspaces/workspace-avatar.tsx';
import classes from './accept-invite-page.module.css';

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * `/invite/:token`, the link in an invitation email. Works signed out: it says who invited whom to
 * which workspace, then leads to sign-up or sign-in (and back here) or, signed in, to accepting.
 */
export function AcceptInvitePage() {
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const me = useMe();
  const preview = useQuery({
    queryKey: queryKeys.invitation(token),
    queryFn: () => api.invitations.preview(token),
    retry: false,
    staleTime: 60_000,
  });

  const signedOut = me.error instanceof ApiError && me.error.isUnauthenticated;
  if (preview.isPending || (me.isPending && !signedOut))
    return <FullPageLoader label="Opening invitation…" />;
  if (preview.isError) return <InvitationProblem error={preview.error} signedIn={Boolean(me.data)} />;

  const invitation = preview.data;
  return (
    <AuthLayout
      documentTitle={`Join ${invitation.workspace.name}`}
      title={`Join ${invitation.workspace.name}`}
      subtitle="You've been invited to a Troupe workspace."
    >
      <Stack gap="lg">
        <InvitationCard invitation={invitation} />
        {params.get('error') ? (
          <Alert color="orange" variant="light" icon={<IconLinkOff size={18} />}>
            That verification link is invalid or has expired. Send yourself a new one below.
          </Alert>
        ) : null}
        {me.data ? (
          <SignedInActions token={token} invitation={invitation} me={me.data} />
        ) : signedOut ? (
          <SignedOutActions token={token} invitation={invitation} />
        ) : (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(me.error)}
          </Alert>
        )}
      </Stack>
    </AuthLayout>
  );
}

function InvitationCard({ invitation }: { invitation: InvitationPreview }) {
  const { workspace, inviter, email, role, expiresAt } = invitation;
  return (
    <Paper withBorder p="lg" data-testid="invitation-card">
      <Stack gap="md">
        <Group gap="md" wrap="nowrap">
          <WorkspaceAvatar name={workspace.name} size={48} />
          <div style={{ minWidth: 0 }}>
            <Text fw={650} size="lg" truncate="end" data-testid="invitation-workspace">
              {workspace.name}
            </Text>
            <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {inviter ? (
                <>
                  Invited by <b>{inviter.name}</b> ({inviter.email})
                </>
              ) : (
                'Invited by a Super Admin'
              )}
            </Text>
          </div>
        </Group>
        <Stack gap={8} className={classes.details}>
          <div className={classes.detail}>
            <Text size="sm" c="dimmed">
              For
            </Text>
            <Text size="sm" fw={600} className={classes.value} data-testid="invitation-email">
              {email}
            </Text>
          </div>
          <div className={classes.detail}>
            <Text size="sm" c="dimmed">
              Role
            </Text>
            <div className={classes.value}>
              <RoleBadge role={role} />
              <Text size="xs" c="dimmed" mt={2}>
                {roleDescriptions[role]}
              </Text>
            </div>
          </div>
          <div className={classes.detail}>
            <Text size="sm" c="dimmed">
              Expires
            </Text>
            <Group gap={6} wrap="nowrap" className={classes.value}>
              <IconCalendarTime size={14} color="var(--mantine-color-dimmed)" />
              <Text size="sm">{formatDate(expiresAt)}</Text>
            </Group>
          </div>
        </Stack>
      </Stack>
    </Paper>
  );
}

function SignedOutActions({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const next = `/invite/${token}`;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Create an account for <b>{invitation.email}</b>, or sign in if you already have one. You'll come back
        here to accept.
      </Text>
      <Button
        component={Link}
        to={authLink('/sign-up', { next, email: invitation.email })}
        size="md"
        fullWidth
      >
        Create account
      </Button>
      <Button
        component={Link}
        to={authLink('/sign-in', { next, email: invitation.email })}
        size="md"
        variant="default"
        fullWidth
      >
        Sign in
      </Button>
    </Stack>
  );
}

function SignedInActions({
  token,
  invitation,
  me,
}: {
  token: string;
  invitation: InvitationPreview;
  me: Me;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: () => api.invitations.accept(token),
    onSuccess: async (result) => {
      setLastWorkspace(me.id, result.workspace.id);
      await queryClient.refetchQueries({ queryKey: queryKeys.me });
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
      notifySuccess(`Welcome to ${result.workspace.name}`, "You've joined the workspace.");
      await navigate(`/w/${result.workspace.id}/members`, { replace: true });
      // Only once this page is gone: removing the query it still watches would fetch the used
      // invitation again, and log its 410.
      queryClient.removeQueries({ queryKey: queryKeys.invitation(token) });
    },
  });
  const error = accept.error instanceof ApiError ? accept.error : null;

  if (!sameEmail(me.email, invitation.email) || error?.code === 'email_mismatch') {
    return <WrongAccount token={token} invitation={invitation} me={me} detail={error?.detail} />;
  }
  // Accepting proves the address the invitation was mailed to: no need to verify it first.
  if (error?.code === 'email_not_verified') {
    return <VerifyFirst returnTo={`/invite/${token}`} email={me.email} then="accept the invitation" />;
  }
  if (error?.code === 'invite_expired') {
    return (
      <Alert
        color="orange"
        variant="light"
        icon={<IconLinkOff size={18} />}
        role="alert"
        title="Invitation no longer valid"
      >
        {error.detail} Ask a Super Admin of {invitation.workspace.name} to send you a new invitation.
      </Alert>
    );
  }

  return (
    <Stack gap="sm">
      {error?.code === 'no_seats' ? (
        <Alert
          color="orange"
          variant="light"
          icon={<IconArmchair size={18} />}
          role="alert"
          title="No free seat"
          data-testid="accept-error"
        >
          {error.detail} Once they have, try again.
        </Alert>
      ) : accept.isError ? (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} />}
          role="alert"
          data-testid="accept-error"
        >
          {errorMessage(accept.error)}
        </Alert>
      ) : null}
      <Text size="sm" c="dimmed">
        You're signed in as <b>{me.email}</b>.
      </Text>
      <Button
        size="md"
        fullWidth
        loading={accept.isPending || accept.isSuccess}
        onClick={() => accept.mutate()}
      >
        {accept.isError ? 'Try again' : 'Accept invitation'}
      </Button>
      <Button component={Link} to="/" variant="subtle" color="gray" size="sm">
        Not now
      </Button>
    </Stack>
  );
}

function WrongAccount({
  token,
  invitation,
  me,
  detail,
}: {
  token: string;
  invitation: InvitationPreview;
  me: Me;
  detail?: string;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const switchAccount = useMutation({
    mutationFn: api.auth.signOut,
    onSuccess: async () => {
      // Forget the old account before the sign-in page looks (it would send us straight back).
      queryClient.removeQueries();
      await navigate(authLink('/sign-in', { next: `/invite/${token}`, email: invitation.email }), {
        replace: true,
      });
    },
    onError: (error) => notifyError(error, "Couldn't sign out"),
  });
  return (
    <Stack gap="sm">
      <Alert
        color="yellow"
        variant="light"
        icon={<IconUserExclamation size={18} />}
        role="alert"
        title="This invitation is for another address"
        data-testid="accept-error"
      >
        {detail ??
          `This invitation is for ${invitation.email}, but you're signed in as ${me.email}. Sign in with the invited address to accept it.`}
      </Alert>
      <Button size="md" fullWidth loading={switchAccount.isPending} onClick={() => switchAccount.mutate()}>
        Sign out and use {invitation.email}
      </Button>
      <Button component={Link} to="/" variant="subtle" color="gray" size="sm">
        Stay signed in as {me.email}
      </Button>
    </Stack>
  );
}

/** The invitation can't be used: expired, used, revoked, or not a real link. */
function InvitationProblem({ error, signedIn }: { error: unknown; signedIn: boolean }) {
  const problem = error instanceof ApiError ? error : null;
  const gone = problem?.code === 'invite_expired';
  const unknown = problem?.status === 404 || problem?.status === 400;
  const title = gone
    ? 'This invitation is no longer valid'
    : unknown
      ? "We couldn't find this invitation"
      : "We couldn't open this invitation";
  return (
    <AuthLayout documentTitle="Invitation" title={title}>
      <Paper withBorder p="xl">
        <Stack align="center" ta="center" gap="md" role="alert">
          <ThemeIcon size={56} radius="xl" color="orange" variant="light">
            <IconLinkOff size={28} />
          </ThemeIcon>
          <Text data-testid="invitation-problem">
            {gone
              ? errorMessage(error)
              : unknown
                ? 'Check that you copied the whole link from the email.'
                : errorMessage(error)}
          </Text>
          {unknown ? (
            <Text size="sm" c="dimmed">
              Ask a Super Admin of the workspace to send you a new invitation.
            </Text>
          ) : null}
          <Button component={Link} to={signedIn ? '/' : '/sign-in'} size="md" fullWidth>
            {signedIn ? 'Go to Troupe' : 'Sign in'}
          </Button>
          {signedIn ? null : (
            <Text size="sm" c="dimmed">
              New here?{' '}
              <Anchor component={Link} to="/sign-up" fw={600}>
                Create an account
              </Anchor>
            </Text>
          )}
        </Stack>
      </Paper>
    </AuthLayout>
  );
}
