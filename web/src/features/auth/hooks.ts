import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { api } from '../../lib/api.ts';
import { notifyError, notifySuccess } from '../../lib/notify.ts';
import { queryKeys } from '../../lib/query-keys.ts';

/** Whether the server's development mailbox exists (it does not in production). */
export function useDevMailbox(): boolean {
  const { data } = useQuery({
    queryKey: queryKeys.devMailbox,
    queryFn: api.dev.mailboxAvailable,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  return data === true;
}

/** Sends the verification email again; its link lands on `callbackURL` (default: /verified). */
export function useResendVerification(callbackURL?: string) {
  return useMutation({
    mutationFn: (email: string) => api.auth.sendVerificationEmail(email, callbackURL),
    onSuccess: (_data, email) => notifySuccess('Verification email sent', `Check your inbox at ${email}.`),
    onError: (error) => notifyError(error, "Couldn't send the email"),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useMutation({
    mutationFn: api.auth.signOut,
    onSuccess: async () => {
      await navigate('/sign-in', { replace: true });
      queryClient.clear();
      notifySuccess('Signed out', 'See you soon.');
    },
    onError: (error) => notifyError(error, "Couldn't sign out"),
  });
}
