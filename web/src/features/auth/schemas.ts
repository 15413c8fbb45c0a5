import { z } from 'zod';
import { Email, Password, SignUpBody } from '../../../../src/contract/index.ts';

/** Client-side checks mirror the server's request schemas (the server checks again). */
export const SignUpForm = SignUpBody.omit({ callbackURL: true });
export const SignInForm = z.object({ email: Email, password: z.string().min(1, 'Enter your password') });
export const ForgotPasswordForm = z.object({ email: Email });
export const ResetPasswordForm = z.object({ newPassword: Password });
