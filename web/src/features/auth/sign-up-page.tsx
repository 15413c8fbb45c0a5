import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api, VERIFIED_PATH } from '../../lib/api.ts';
import { type FieldErrors, serverErrors, validate } from '../../lib/form.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { authLink, safeNext, verificationCallback } from '../../lib/safe-next.ts';
import { PasswordField } from '../../ui/password-field.tsx';
import { AuthLayout } from './auth-layout.tsx';
import { SignUpForm } from './schemas.ts';
import { useMe } from './use-me.ts';

export function SignUpPage() {
  const [params] = useSearchParams();
  const next = params.get('next');
  const prefilledEmail = params.get('email') ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();

  const [values, setValues] = useState({ name: '', email: prefilledEmail, password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [emailTaken, setEmailTaken] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const signUp = useMutation({
    // The verification link brings the person back to where they were heading (an invitation, say).
    mutationFn: (body: Parameters<typeof api.auth.signUp>[0]) =>
      api.auth.signUp(body, verificationCallback(next, VERIFIED_PATH)),
    onSuccess: async (_result, body) => {
      queryClient.removeQueries();
      await navigate(authLink('/verify-email', { next, email: body.email }), {
        replace: true,
        state: { email: body.email },
      });
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'email_taken') {
        setEmailTaken(true);
        setErrors({ email: error.detail || 'An account with this email already exists.' });
        return;
      }
      const { fields, form } = serverErrors(error, ['name', 'email', 'password']);
      setErrors(fields);
      setFormError(form ?? null);
    },
  });

  if (me.data && !signUp.isPending && !signUp.isSuccess) {
    return <Navigate to={safeNext(next)} replace />;
  }

  const set = (field: keyof typeof values) => (event: React.ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setValues((v) => ({ ...v, [field]: value }));
    setErrors(({ [field]: _, ...rest }) => rest);
    if (field === 'email') setEmailTaken(false);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    const result = validate(SignUpForm, values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    signUp.mutate(result.data);
  };

  return (
    <AuthLayout
      documentTitle="Create your account"
      title="Create your account"
      subtitle="Start a workspace for your team in under a minute."
      footer={
        <>
          Already have an account?{' '}
          <Anchor component={Link} to={authLink('/sign-in', { next, email: values.email.trim() })} fw={600}>
            Sign in
          </Anchor>
        </>
      }
    >
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="md">
          {formError ? (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} role="alert">
              {formError}
            </Alert>
          ) : null}
          <TextInput
            label="Name"
            autoComplete="name"
            placeholder="Ada Lovelace"
            size="md"
            value={values.name}
            onChange={set('name')}
            error={errors.name}
            autoFocus
          />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            placeholder="you@company.com"
            size="md"
            value={values.email}
            onChange={set('email')}
            error={
              errors.email ? (
                <>
                  {errors.email}
                  {emailTaken ? (
                    <>
                      {' '}
                      <Anchor
                        component={Link}
                        to={authLink('/sign-in', { next, email: values.email.trim() })}
                        size="xs"
                        fw={600}
                      >
                        Sign in instead
                      </Anchor>
                    </>
                  ) : null}
                </>
              ) : undefined
            }
          />
          <PasswordField
            label="Password"
            autoComplete="new-password"
            placeholder="At least 8 characters"
            description={errors.password ? undefined : 'Use 8 or more characters.'}
            size="md"
            value={values.password}
            onChange={set('password')}
            error={errors.password}
          />
          <Button type="submit" size="md" fullWidth loading={signUp.isPending || signUp.isSuccess}>
            Create account
          </Button>
          <Text size="xs" c="dimmed" ta="center">
            We'll email you a link to verify your address.
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
