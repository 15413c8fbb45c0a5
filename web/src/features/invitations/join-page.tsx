import { Alert, Anchor, Button, Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertCircle, IconArmchair, IconClockHour4, IconLinkOff } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { JoinLinkPreview, Me } from '../../../../src/contract/index.ts';
import { ApiError, api, errorMessage } from '../../lib/api.ts';
import { formatDate } from '../../lib/dates.ts';
import { setLastWorkspace } from '../../lib/last-workspace.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { roleDescriptions } from '../../lib/roles.ts';
import { authLink } from '../../lib/safe-next.ts';
import { FullPageLoader } from '../../ui/full-page-loader.tsx';
import { RoleBadge } from '../../ui/role-badge.tsx';
import { AuthLayout } from '../auth/auth-layout.tsx';
import { useMe } from '../auth/use-me.ts';
import { VerifyFirst } from '../auth/verify-first.tsx';
import { usePendingJoinRequests } from '../workspaces/pending-join-requests.tsx';
import { WorkspaceAvatar } from '../workspaces/workspace-avatar.tsx';

/**
 * `/join/:token`, a workspace's invite link. Works signed out: it names the workspace and the role,
 * then leads to sign-up or sign-in (with email verification) and back here, to join or to ask.
 */
export function JoinPage() {
  const { token = '' } = useParams();
  const me = useMe();
  const preview = useQuery({
    queryKey: queryKeys.joinLink(token),
    queryFn: () => api.inviteLink.preview(token),
    retry: false,
    staleTime: 60_000,
  });
  const signedOut = me.error instanceof ApiError && me.error.isUnauthenticated;
  if (preview.isPending || (me.isPending && !signedOut))
    return <FullPageLoader label="Opening the invite link…" />;
  if (preview.isError) return <LinkProblem error={preview.error} signedIn={Boolean(me.data)} />;
  const link = preview.data;
  return (
    <AuthLayout
      documentTitle={`Join ${link.workspace.name}`}
      title={`Join ${link.workspace.name}`}
      subtitle="You've been given a link to a Troupe workspace."
    >
      <Stack gap="lg">
        <Paper withBorder p="lg" data-testid="join-card">
          <Group gap="md" wrap="nowrap">
            <WorkspaceAvatar name={link.workspace.name} size={48} />
            <div style={{ minWidth: 0 }}>
              <Text fw={650} size="lg" truncate="end" data-testid="join-workspace">
                {link.workspace.name}
              </Text>
              <Group gap={6} mt={4} wrap="nowrap">
                <Text size="sm" c="dimmed">
                  You'll join as
                </Text>
                <RoleBadge role={link.role} />
              </Group>
              <Text size="xs" c="dimmed" mt={2}>
                {roleDescriptions[link.role]}
              </Text>
            </div>
          </Group>
          {link.requiresApproval ? (
            <Text size="sm" c="dimmed" mt="md">
              A Super Admin approves each person who joins with this link.
            </Text>
          ) : null}
        </Paper>
        {me.data ? (
          <SignedInJoin token={token} link={link} me={me.data} />
        ) : signedOut ? (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              Create an account or sign in; you'll come back here to join.
            </Text>
            <Button
              component={Link}
              to={authLink('/sign-up', { next: `/join/${token}` })}
              size="md"
              fullWidth
            >
              Create account
            </Button>
            <Button
              component={Link}
              to={authLink('/sign-in', { next: `/join/${token}` })}
              size="md"
              variant="default"
              fullWidth
            >
              Sign in
            </Button>
          </Stack>
        ) : (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(me.error)}
          </Alert>
        )}
      </Stack>
    </AuthLayout>
  );
}

function SignedInJoin({ token, link, me }: { token: string; link: JoinLinkPreview; me: Me }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const alreadyIn = me.workspaces.some((w) => w.id === link.workspace.id);
  // Asked already (the link needs approval): the request waits; asking again changes nothing.
  const waiting = usePendingJoinRequests().find((r) => r.workspace.id === link.workspace.id);
  const join = useMutation({
    mutationFn: () => api.inviteLink.join(token),
    onSuccess: async (result) => {
      // The account lists the requests that wait (the workspaces page says so).
      void queryClient.invalidateQueries({ queryKey: queryKeys.account });
      if (result.status === 'active') {
        setLastWorkspace(me.id, result.workspace.id);
        await queryClient.refetchQueries({ queryKey: queryKeys.me });
        void queryClient.invalidateQueries({ queryKey: queryKeys.workspaces });
        notifySuccess(`Welcome to ${result.workspace.name}`, "You've joined the workspace.");
        await navigate(`/w/${result.workspace.id}/members`, { replace: true });
      }
    },
  });
  const error = join.error instanceof ApiError ? join.error : null;

  if (alreadyIn || error?.code === 'already_member') {
    return (
      <Stack gap="sm">
        <Alert color="teal" variant="light" title="You're already a member" data-testid="join-result">
          You're in {link.workspace.name} already.
        </Alert>
        <Button component={Link} to={`/w/${link.workspace.id}/members`} size="md" fullWidth>
          Open {link.workspace.name}
        </Button>
      </Stack>
    );
  }
  if (join.data?.status === 'requested' || (waiting && link.requiresApproval)) {
    return (
      <Stack gap="sm" data-testid="join-result" data-status="requested">
        <Alert color="grape" variant="light" icon={<IconClockHour4 size={18} />} title="Request sent">
          {waiting && !join.data ? `You asked on ${formatDate(waiting.createdAt)}. ` : ''}A Super Admin of{' '}
          {link.workspace.name} will look at your request. You'll get a notification and an email when they
          decide.
        </Alert>
        <Button component={Link} to="/" variant="default" size="md" fullWidth>
          Go to Troupe
        </Button>
      </Stack>
    );
  }
  if (!me.emailVerified || error?.code === 'email_not_verified') {
    return <VerifyFirst returnTo={`/join/${token}`} email={me.email} then="join" />;
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
        >
          {error.detail} Once they have, try again.
        </Alert>
      ) : join.isError ? (
        <Alert
          color="red"
          variant="light"
          icon={<IconAlertCircle size={18} />}
          role="alert"
          data-testid="join-error"
        >
          {errorMessage(join.error)}
        </Alert>
      ) : null}
      <Text size="sm" c="dimmed">
        You're signed in as <b>{me.email}</b>.
      </Text>
      <Button size="md" fullWidth loading={join.isPending || join.isSuccess} onClick={() => join.mutate()}>
        {link.requiresApproval ? 'Ask to join' : `Join ${link.workspace.name}`}
      </Button>
      <Button component={Link} to="/" variant="subtle" color="gray" size="sm">
        Not now
      </Button>
    </Stack>
  );
}

function LinkProblem({ error, signedIn }: { error: unknown; signedIn: boolean }) {
  const problem = error instanceof ApiError ? error : null;
  const gone = problem?.code === 'invite_expired';
  return (
    <AuthLayout
      documentTitle="Invite link"
      title={gone ? 'This invite link no longer works' : "We couldn't open this link"}
    >
      <Paper withBorder p="xl">
        <Stack align="center" ta="center" gap="md" role="alert">
          <ThemeIcon size={56} radius="xl" color="orange" variant="light">
            <IconLinkOff size={28} />
          </ThemeIcon>
          <Text data-testid="join-problem">
            {problem?.status === 400 ? 'Check that you copied the whole link.' : errorMessage(error)}
          </Text>
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
