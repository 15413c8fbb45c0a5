import { Alert, Anchor, Button, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertCircle, IconArrowLeft, IconLinkOff } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../../lib/api.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { notifySuccess } from '../../lib/notify.ts';
import { PasswordField } from '../../ui/password-field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { ResetPasswordForm } from './schemas.ts';

const backToSignIn = (
  <Anchor component={Link} to="/sign-in" fw={600}>
    <IconArrowLeft size={14} style={{ verticalAlign: 'middle', marginRight: 4 }} />
    Back to sign in
  </Anchor>
);

/** Landing page of the reset email's link: `/reset-password?token=...` (or `?error=INVALID_TOKEN`). */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const linkError = params.get('error');
  const navigate = useNavigate();

  const [newPassword, setNewPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [tokenRejected, setTokenRejected] = useState(false);

  const reset = useMutation({
    mutationFn: api.auth.resetPassword,
    onSuccess: async () => {
      notifySuccess('Password updated', 'Sign in with your new password.');
      await navigate('/sign-in', { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.fieldErrors.token) {
        setTokenRejected(true);
        return;
      }
      // Better Auth names the field `password`; this form calls it `newPassword`.
      const { fields, form } = serverErrors(error, ['newPassword', 'password']);
      const message = fields.newPassword ?? fields.password;
      setErrors(message ? { newPassword: message } : {});
      setFormError(message ? null : (form ?? null));
    },
  });

  if (linkError || !token || tokenRejected) {
    return (
      <AuthLayout documentTitle="Reset link expired" title="This link has expired" footer={backToSignIn}>
        <Paper withBorder p="xl">
          <Stack align="center" ta="center" gap="md">
            <ThemeIcon size={56} radius="xl" color="orange" variant="light">
              <IconLinkOff size={28} />
            </ThemeIcon>
            <Text>This password reset link is invalid or has already been used.</Text>
            <Text size="sm" c="dimmed">
              Reset links work once and expire after a while. Ask for a new one and use the newest email.
            </Text>
            <Button component={Link} to="/forgot-password" size="md" fullWidth>
              Request a new link
            </Button>
          </Stack>
        </Paper>
      </AuthLayout>
    );
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const result = validate(ResetPasswordForm, { newPassword });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    reset.mutate({ newPassword: result.data.newPassword, token });
  };

  return (
    <AuthLayout
      documentTitle="Choose a new password"
      title="Choose a new password"
      subtitle="You'll use it to sign in to Troupe from now on."
      footer={backToSignIn}
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {formError ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}{' '}
              <Anchor component={Link} to="/forgot-password" size="sm" fw={600}>
                Request a new link
              </Anchor>
            </Alert>
          ) : null}
          <PasswordField
            label="New password"
            autoComplete="new-password"
            placeholder="At least 8 characters"
            description={errors.newPassword ? undefined : 'Use 8 or more characters.'}
            size="md"
            value={newPassword}
            onChange={(e) => {
              setNewPassword(e.currentTarget.value);
              setErrors({});
            }}
            error={errors.newPassword}
            autoFocus
          />
          <Button type="submit" size="md" fullWidth loading={reset.isPending || reset.isSuccess}>
            Reset password
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
