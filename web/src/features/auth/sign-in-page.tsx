import { Alert, Anchor, Button, Group, Stack, TextInput } from '@mantine/core';
import { IconAlertCircle, IconMailExclamation } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api, VERIFIED_PATH } from '../../lib/api.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { authLink, safeNext, verificationCallback } from '../../lib/safe-next.ts';
import { PasswordField } from '../../ui/password-field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { useResendVerification } from './hooks.ts';
import { SignInForm } from './schemas.ts';
import { useMe } from './use-me.ts';

export function SignInPage() {
  const [params] = useSearchParams();
  const next = params.get('next');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();

  const prefilledEmail = params.get('email') ?? '';
  const [email, setEmail] = useState(prefilledEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ApiError | null>(null);
  const resend = useResendVerification(verificationCallback(next, VERIFIED_PATH));

  const signIn = useMutation({
    mutationFn: api.auth.signIn,
    onSuccess: async () => {
      queryClient.removeQueries();
      await navigate(safeNext(next), { replace: true });
    },
    onError: (error) => {
      const { fields } = serverErrors(error, ['email', 'password']);
      setErrors(fields);
      setFormError(Object.keys(fields).length === 0 && error instanceof ApiError ? error : null);
    },
  });

  if (me.data && !signIn.isPending && !signIn.isSuccess) {
    return <Navigate to={safeNext(next)} replace />;
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const result = validate(SignInForm, { email, password });
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    signIn.mutate(result.data);
  };

  return (
    <AuthLayout
      documentTitle="Sign in"
      title="Welcome back"
      subtitle="Sign in to your Troupe account."
      footer={
        <>
          New to Troupe?{' '}
          <Anchor component={Link} to={authLink('/sign-up', { next, email: email.trim() })} fw={600}>
            Create an account
          </Anchor>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {formError ? (
            <Alert
              color={formError.code === 'email_not_verified' ? 'yellow' : 'red'}
              variant="light"
              icon={
                formError.code === 'email_not_verified' ? (
                  <IconMailExclamation size={18} />
                ) : (
                  <IconAlertCircle size={18} />
                )
              }
              role="alert"
            >
              {formError.detail}
              {formError.code === 'email_not_verified' ? (
                <Button
                  mt="xs"
                  size="compact-sm"
                  variant="white"
                  color="yellow"
                  loading={resend.isPending}
                  onClick={() => resend.mutate(email.trim().toLowerCase())}
                >
                  Resend verification email
                </Button>
              ) : null}
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
              setErrors(({ email: _, ...rest }) => rest);
            }}
            error={errors.email}
            autoFocus={!prefilledEmail}
          />
          <div>
            <PasswordField
              label="Password"
              autoComplete="current-password"
              placeholder="Your password"
              size="md"
              value={password}
              onChange={(e) => {
                setPassword(e.currentTarget.value);
                setErrors(({ password: _, ...rest }) => rest);
              }}
              error={errors.password}
              autoFocus={Boolean(prefilledEmail)}
            />
            <Group justify="flex-end" mt={6}>
              <Anchor component={Link} to="/forgot-password" size="sm">
                Forgot password?
              </Anchor>
            </Group>
          </div>
          <Button type="submit" size="md" fullWidth loading={signIn.isPending || signIn.isSuccess}>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
