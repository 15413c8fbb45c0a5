import { Button, Loader, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCircleCheck, IconLinkOff, IconUserExclamation } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../lib/api.ts';
import { notifyError } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { authLink } from '../../lib/safe-next.ts';
import { AuthLayout } from './auth-layout.tsx';
import { useResendVerification } from './hooks.ts';
import { useMe } from './use-me.ts';

/**
 * Where the verification email's link lands (via the server) once the address is confirmed. The
 * link signs nobody in (whoever opens it might not be its owner), so this page asks a signed-out
 * browser to sign in as the address (`?email=`), continues when the browser is signed in as it,
 * and says so when it is signed in as another account.
 */
export function VerifiedPage() {
  const [params] = useSearchParams();
  const linkError = params.get('error');
  const verifiedEmail = params.get('email');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useMe();
  const resend = useResendVerification();
  const switchAccount = useMutation({
    mutationFn: api.auth.signOut,
    onSuccess: async () => {
      queryClient.clear();
      await navigate(authLink('/sign-in', { email: verifiedEmail }), { replace: true });
    },
    onError: (error) => notifyError(error, "Couldn't sign out"),
  });

  useEffect(() => {
    // The server just changed emailVerified: drop the cached user so the banner goes away.
    void queryClient.invalidateQueries({ queryKey: queryKeys.me });
  }, [queryClient]);

  if (linkError) {
    return (
      <AuthLayout documentTitle="Link expired" title="This link has expired">
        <Paper withBorder p="xl">
          <Stack align="center" ta="center" gap="md">
            <ThemeIcon size={56} radius="xl" color="orange" variant="light">
              <IconLinkOff size={28} />
            </ThemeIcon>
            <Text>This verification link is invalid or has expired.</Text>
            {me.data && !me.data.emailVerified ? (
              <>
                <Text size="sm" c="dimmed">
                  We can send a fresh one to <b>{me.data.email}</b>.
                </Text>
                <Button
                  size="md"
                  fullWidth
                  loading={resend.isPending}
                  onClick={() => me.data && resend.mutate(me.data.email)}
                >
                  Send a new link
                </Button>
              </>
            ) : null}
            <Button component={Link} to="/" variant={me.data ? 'default' : 'filled'} size="md" fullWidth>
              {me.data ? 'Continue to Troupe' : 'Sign in'}
            </Button>
          </Stack>
        </Paper>
      </AuthLayout>
    );
  }

  if (me.isPending) {
    return (
      <AuthLayout documentTitle="Email verified" title="Email verified">
        <Stack align="center" p="xl">
          <Loader />
        </Stack>
      </AuthLayout>
    );
  }

  const signedIn = me.data;
  const otherAccount =
    signedIn && verifiedEmail && signedIn.email.toLowerCase() !== verifiedEmail.toLowerCase()
      ? signedIn
      : null;

  if (otherAccount) {
    return (
      <AuthLayout documentTitle="Email verified" title="Email verified">
        <Paper withBorder p="xl" data-testid="verified-other-account">
          <Stack align="center" ta="center" gap="md">
            <ThemeIcon size={56} radius="xl" color="orange" variant="light">
              <IconUserExclamation size={28} />
            </ThemeIcon>
            <Text>
              <b>{verifiedEmail}</b> is confirmed. This browser is signed in as another account,{' '}
              <b>{otherAccount.email}</b>.
            </Text>
            <Button component={Link} to="/" size="md" fullWidth>
              Continue with this account
            </Button>
            <Button
              variant="default"
              size="md"
              fullWidth
              loading={switchAccount.isPending}
              onClick={() => switchAccount.mutate()}
            >
              Sign out and switch account
            </Button>
          </Stack>
        </Paper>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout documentTitle="Email verified" title="Email verified">
      <Paper withBorder p="xl">
        <Stack align="center" ta="center" gap="md">
          <ThemeIcon size={56} radius="xl" color="teal" variant="light">
            <IconCircleCheck size={30} />
          </ThemeIcon>
          <Text>
            {signedIn ? `Thanks, ${signedIn.name}! ` : ''}Your email address
            {verifiedEmail ? (
              <>
                {' '}
                <b>{verifiedEmail}</b>
              </>
            ) : null}{' '}
            is confirmed.
          </Text>
          {signedIn ? (
            <Button component={Link} to="/" size="md" fullWidth>
              Continue to Troupe
            </Button>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                Sign in to continue.
              </Text>
              <Button
                component={Link}
                to={authLink('/sign-in', { email: verifiedEmail })}
                size="md"
                fullWidth
              >
                Sign in
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </AuthLayout>
  );
}
