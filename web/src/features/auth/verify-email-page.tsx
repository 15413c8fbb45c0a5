import { Button, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCircleCheck, IconMailForward } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { VERIFIED_PATH } from '../../lib/api.ts';
import { authLink, safeNext, verificationCallback } from '../../lib/safe-next.ts';
import { AuthLayout } from './auth-layout.tsx';
import { DevMailboxLink } from './dev-mailbox-link.tsx';
import { useResendVerification } from './hooks.ts';
import { useMe } from './use-me.ts';

const RESEND_COOLDOWN_S = 30;

/** After sign-up: "check your inbox", with a resend button (rate-limited on the client too). */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const next = params.get('next');
  const location = useLocation();
  const me = useMe();
  const stateEmail = (location.state as { email?: string } | null)?.email;
  const email = me.data?.email ?? stateEmail ?? params.get('email') ?? '';
  const resend = useResendVerification(verificationCallback(next, VERIFIED_PATH));
  const target = safeNext(next);
  // Coming from an invitation: say where "continue" goes.
  const continueLabel = target.startsWith('/invite/')
    ? 'Continue to your invitation'
    : target.startsWith('/join/')
      ? 'Continue to join'
      : 'Continue to Troupe';

  // After a resend, wait a little before offering another (the server rate-limits too).
  const [cooldown, setCooldown] = useState(0);
  useEffect(() => {
    if (cooldown <= 0) return;
    const t = setTimeout(() => setCooldown((s) => s - 1), 1000);
    return () => clearTimeout(t);
  }, [cooldown]);

  if (me.data?.emailVerified) {
    return (
      <AuthLayout documentTitle="Email verified" title="You're verified">
        <Paper withBorder p="xl">
          <Stack align="center" ta="center" gap="md">
            <ThemeIcon size={56} radius="xl" color="teal" variant="light">
              <IconCircleCheck size={30} />
            </ThemeIcon>
            <Text>
              <b>{me.data.email}</b> is confirmed. You're all set.
            </Text>
            <Button component={Link} to={target} size="md" fullWidth>
              {continueLabel}
            </Button>
          </Stack>
        </Paper>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout documentTitle="Verify your email" title="Verify your email">
      <Paper withBorder p="xl">
        <Stack align="center" ta="center" gap="md">
          <ThemeIcon size={56} radius="xl" variant="light">
            <IconMailForward size={28} />
          </ThemeIcon>
          <Text>
            {email ? (
              <>
                Check your inbox at <b>{email}</b>.
              </>
            ) : (
              'Check your inbox.'
            )}{' '}
            We sent you a link to verify your email address.
          </Text>
          <Text size="sm" c="dimmed">
            It can take a minute to arrive. Look in your spam folder if you can't find it.
          </Text>
          {target.startsWith('/invite/') ? (
            <Text size="sm" c="dimmed" data-testid="accept-now-hint">
              No need to wait for it: accepting your invitation confirms this address, since the invitation
              was sent to it.
            </Text>
          ) : target.startsWith('/join/') ? (
            <Text size="sm" c="dimmed">
              The link brings you back to the workspace, ready to join.
            </Text>
          ) : null}
          {me.data ? (
            <Button component={Link} to={target} size="md" fullWidth>
              {continueLabel}
            </Button>
          ) : (
            <Button component={Link} to={authLink('/sign-in', { next, email })} size="md" fullWidth>
              Sign in
            </Button>
          )}
          {email ? (
            <Button
              variant="default"
              fullWidth
              size="md"
              loading={resend.isPending}
              disabled={cooldown > 0}
              onClick={() =>
                resend.mutate(email, {
                  onSuccess: () => setCooldown(RESEND_COOLDOWN_S),
                })
              }
            >
              {cooldown > 0 ? `Resend email (${cooldown}s)` : 'Resend email'}
            </Button>
          ) : null}
        </Stack>
      </Paper>
      <DevMailboxLink />
    </AuthLayout>
  );
}
