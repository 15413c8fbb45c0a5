import { Alert, Button, Group, Text } from '@mantine/core';
import { IconMailExclamation } from '@tabler/icons-react';
import { useResendVerification } from '../auth/hooks.ts';
import { useSignedInUser } from '../auth/use-me.ts';

/** Shown across the app until the user's email address is verified. */
export function VerifyBanner() {
  const me = useSignedInUser();
  const resend = useResendVerification();
  if (me.emailVerified) return null;
  return (
    <Alert
      data-testid="verify-banner"
      color="yellow"
      variant="light"
      radius="md"
      mb="xl"
      icon={<IconMailExclamation size={20} />}
      styles={{ message: { marginTop: 0 } }}
    >
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm">
          <b>Verify your email.</b> We sent a link to <b>{me.email}</b>; open it to confirm your address.
        </Text>
        <Button
          size="xs"
          variant="white"
          color="yellow.9"
          loading={resend.isPending}
          disabled={resend.isSuccess}
          onClick={() => resend.mutate(me.email)}
        >
          {resend.isSuccess ? 'Email sent' : 'Resend email'}
        </Button>
      </Group>
    </Alert>
  );
}
