import { z } from 'zod';
import { Email, Password, SignUpBody } from '../../../../src/contract/index.ts';

/** An email box: empty says "Enter your email" (not "Not a valid email address"), then the server's rule. */
export const EnteredEmail = z.string().trim().min(1, 'Enter your email').pipe(Email);

/** Client-side checks mirror the server's request schemas (the server checks again). */
export const SignUpForm = SignUpBody.omit({ callbackURL: true }).extend({ email: EnteredEmail });
export const SignInForm = z.object({
  email: EnteredEmail,
  password: z.string().min(1, 'Enter your password'),
});
export const ForgotPasswordForm = z.object({ email: EnteredEmail });
export const ResetPasswordForm = z.object({ newPassword: Password });
