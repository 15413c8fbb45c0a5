import { Alert, Button, Stack } from '@mantine/core';
import { IconMailExclamation } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from '../../lib/query-keys.ts';
import { DevMailboxLink } from './dev-mailbox-link.tsx';
import { useResendVerification } from './hooks.ts';

/**
 * "Verify your email first", for a page that needs a verified address (accepting an invitation,
 * joining by link): resend the link (which brings the person back to `returnTo`), or check again.
 */
export function VerifyFirst({ returnTo, email, then }: { returnTo: string; email: string; then: string }) {
  const queryClient = useQueryClient();
  const resend = useResendVerification(returnTo);
  const recheck = useMutation({
    mutationFn: () => queryClient.refetchQueries({ queryKey: queryKeys.me }),
  });
  return (
    <Stack gap="sm">
      <Alert
        color="yellow"
        variant="light"
        icon={<IconMailExclamation size={18} />}
        role="alert"
        title="Verify your email first"
        data-testid="accept-error"
      >
        Open the link we emailed to <b>{email}</b> to confirm your address. It brings you back here to {then}.
      </Alert>
      <Button
        size="md"
        fullWidth
        loading={resend.isPending}
        disabled={resend.isSuccess}
        onClick={() => resend.mutate(email)}
      >
        {resend.isSuccess ? 'Verification email sent' : 'Resend verification email'}
      </Button>
      <Button
        size="md"
        variant="default"
        fullWidth
        loading={recheck.isPending}
        onClick={() => recheck.mutate()}
      >
        I've verified, continue
      </Button>
      <DevMailboxLink />
    </Stack>
  );
}
