import { Button, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCircleCheck, IconLinkOff } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { queryKeys } from '../../lib/query-keys.ts';
import { AuthLayout } from './auth-layout.tsx';
import { useResendVerification } from './hooks.ts';
import { useMe } from './use-me.ts';

/** Where the verification email's link lands (via the server) once the address is confirmed. */
export function VerifiedPage() {
  const [params] = useSearchParams();
  const linkError = params.get('error');
  const queryClient = useQueryClient();
  const me = useMe();
  const resend = useResendVerification();

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

  return (
    <AuthLayout documentTitle="Email verified" title="Email verified">
      <Paper withBorder p="xl">
        <Stack align="center" ta="center" gap="md">
          <ThemeIcon size={56} radius="xl" color="teal" variant="light">
            <IconCircleCheck size={30} />
          </ThemeIcon>
          <Text>Thanks{me.data ? `, ${me.data.name}` : ''}! Your email address is confirmed.</Text>
          <Button component={Link} to="/" size="md" fullWidth>
            Continue to Troupe
          </Button>
        </Stack>
      </Paper>
    </AuthLayout>
  );
}
