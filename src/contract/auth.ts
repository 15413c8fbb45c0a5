import { z } from 'zod';
import { Email, Name } from './common.ts';
import { labelCheck, Text } from './text.ts';

/** A path inside this app to land on after following an emailed link (never another site). */
const LocalPath = Text.max(500)
  .check(labelCheck)
  .regex(/^\/(?![/\\])[^\s]*$/, 'Must be a path on this site, such as /verified')
  // The API docs show this, not a string made up from the pattern.
  .meta({ example: '/verified' });

export const Password = Text.min(8, 'Must be at least 8 characters').max(
  128,
  'Must be at most 128 characters',
);

export const SignUpBody = z.object({
  email: Email,
  password: Password,
  name: Name,
  callbackURL: LocalPath.optional(),
});
export const SignInBody = z.object({
  email: Email,
  password: Text.min(1, 'Required').max(128),
  rememberMe: z.boolean().optional(),
  callbackURL: LocalPath.optional(),
});
export const SendVerificationBody = z.object({ email: Email, callbackURL: LocalPath.optional() });
export const RequestPasswordResetBody = z.object({ email: Email, redirectTo: LocalPath.optional() });
export const ResetPasswordBody = z.object({ newPassword: Password, token: Text.min(1).max(500) });

export const AuthUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
});

export const UpdateUserBody = z.strictObject({ name: Name });

/** `callbackURL=` (empty) is what Better Auth puts in a reset link when no `redirectTo` was given. */
const LinkTarget = z.union([z.literal(''), LocalPath]);

/**
 * The query string of Better Auth's other routes (the emailed verify and reset links, ...): where
 * to land afterwards must be a path on this site, as in the bodies above. Better Auth would
 * otherwise redirect an invalid link to any site named there (an open redirect), or fail with a
 * 500 on `//host`. Other parameters pass through to Better Auth. JSON bodies sent to those routes
 * follow the same rule.
 */
export const AuthLinkQuery = z.looseObject({
  callbackURL: LinkTarget.optional(),
  errorCallbackURL: LinkTarget.optional(),
  newUserCallbackURL: LinkTarget.optional(),
  redirectTo: LinkTarget.optional(),
});
