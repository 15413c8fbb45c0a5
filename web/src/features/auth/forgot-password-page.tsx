import { Alert, Anchor, Button, Paper, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconAlertCircle, IconArrowLeft, IconMailForward } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../../lib/api.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { AuthLayout } from './auth-layout.tsx';
import { DevMailboxLink } from './dev-mailbox-link.tsx';
import { ForgotPasswordForm } from './schemas.ts';

const backToSignIn = (
  <Anchor component={Link} to="/sign-in" fw={600}>
    <IconArrowLeft size={14} style={{ verticalAlign: 'middle', marginRight: 4 }} />
    Back to sign in
  </Anchor>
);

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const request = useMutation({
    mutationFn: api.auth.requestPasswordReset,
    onError: (error) => setErrors(serverErrors(error, ['email']).fields),
  });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const result = validate(ForgotPasswordForm, { email });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    request.mutate(result.data.email);
  };

  if (request.isSuccess) {
    return (
      <AuthLayout documentTitle="Check your inbox" title="Check your inbox" footer={backToSignIn}>
        <Paper withBorder p="xl">
          <Stack align="center" ta="center" gap="md">
            <ThemeIcon size={56} radius="xl" variant="light">
              <IconMailForward size={28} />
            </ThemeIcon>
            <Text>
              If an account exists for <b>{request.variables}</b>, we've sent it a link to choose a new
              password.
            </Text>
            <Text size="sm" c="dimmed">
              The link expires soon, so use it while it's fresh.
            </Text>
            <Button variant="default" fullWidth onClick={() => request.reset()}>
              Use a different email
            </Button>
          </Stack>
        </Paper>
        <DevMailboxLink />
      </AuthLayout>
    );
  }

  const formError =
    request.isError && Object.keys(errors).length === 0 ? errorMessage(request.error) : undefined;

  return (
    <AuthLayout
      documentTitle="Reset your password"
      title="Forgot your password?"
      subtitle="Enter your email and we'll send you a link to choose a new one."
      footer={backToSignIn}
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {formError ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          ) : null}
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            placeholder="you@company.com"
            size="md"
            value={email}
            onChange={(e) => {
              setEmail(e.currentTarget.value);
              setErrors({});
            }}
            error={errors.email}
            autoFocus
          />
          <Button type="submit" size="md" fullWidth loading={request.isPending}>
            Send reset link
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
