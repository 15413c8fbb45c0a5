import { z } from 'zod';
import { Email, Name } from './common.ts';

/** A path inside this app to land on after following an emailed link (never another site). */
const LocalPath = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s]*$/, 'Must be a path on this site, such as /verified');

export const Password = z
  .string()
  .min(8, 'Must be at least 8 characters')
  .max(128, 'Must be at most 128 characters');

export const SignUpBody = z.object({
  email: Email,
  password: Password,
  name: Name,
  callbackURL: LocalPath.optional(),
});
export const SignInBody = z.object({
  email: Email,
  password: z.string().min(1, 'Required').max(128),
  rememberMe: z.boolean().optional(),
  callbackURL: LocalPath.optional(),
});
export const SendVerificationBody = z.object({ email: Email, callbackURL: LocalPath.optional() });
export const RequestPasswordResetBody = z.object({ email: Email, redirectTo: LocalPath.optional() });
export const ResetPasswordBody = z.object({ newPassword: Password, token: z.string().min(1).max(500) });

export const AuthUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
});

export const UpdateUserBody = z.strictObject({ name: Name });
