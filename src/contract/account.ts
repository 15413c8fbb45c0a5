import { z } from 'zod';
import { Password } from './auth.ts';
import { Id, Name } from './common.ts';
import { Role } from './roles.ts';
import { Text } from './text.ts';

/** A workspace that stops its Super Admin from deleting their account (they are its only one). */
export const SoleAdminWorkspace = z.object({ id: z.string(), name: z.string() });

/** `GET /api/account`: the signed-in person, and whether they may delete their account now. */
export const Account = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  /** Up to two letters for the avatar, from the name (or the email when the name has none). */
  initials: z.string(),
  createdAt: z.string(),
  /** The person's requests to join workspaces still waiting for a Super Admin, newest first. */
  joinRequests: z.array(
    z.object({
      id: z.string(),
      workspace: z.object({ id: z.string(), name: z.string() }),
      role: Role,
      createdAt: z.string(),
    }),
  ),
  deletion: z.object({
    allowed: z.boolean(),
    /** Why not, in words; null when allowed. */
    reason: z.string().nullable(),
    /** The workspaces where the person is the only Super Admin. */
    soleAdminOf: z.array(SoleAdminWorkspace),
  }),
});
export type Account = z.infer<typeof Account>;

export const UpdateAccountBody = z.strictObject({ name: Name });
export type UpdateAccountBody = z.infer<typeof UpdateAccountBody>;

export const AccountSession = z.object({
  id: z.string(),
  /** The browser's User-Agent as sent at sign-in (null when none was sent). */
  userAgent: z.string().nullable(),
  /** A short description of the device from the User-Agent ("Chrome on macOS"). */
  device: z.string(),
  ipAddress: z.string().nullable(),
  createdAt: z.string(),
  /** When the session was last used, within 5 minutes. */
  lastActiveAt: z.string(),
  expiresAt: z.string(),
  /** The session making this request ("this device"). */
  current: z.boolean(),
});
export type AccountSession = z.infer<typeof AccountSession>;

/** Every live session of the person: answered whole, so `nextCursor` is always null. */
export const SessionList = z.object({ sessions: z.array(AccountSession), nextCursor: z.null() });
export type SessionList = z.infer<typeof SessionList>;

export const SessionParams = z.object({ sessionId: Id });

export const RevokedSessions = z.object({ revoked: z.number().int() });

export const ChangePasswordBody = z
  .strictObject({
    currentPassword: Text.min(1, 'Required').max(128),
    newPassword: Password,
    /** End every other session of the account (default true: a changed password locks others out). */
    signOutOtherSessions: z.boolean().default(true),
  })
  // Here, not only in the use case: the account page says it before sending (both values are typed).
  .refine((b) => b.newPassword !== b.currentPassword, {
    path: ['newPassword'],
    message: 'Choose a password different from your current one',
  });
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const ChangedPassword = z.object({ signedOutSessions: z.number().int() });

/** Deleting the account: confirmed with the account's password. */
export const DeleteAccountBody = z.strictObject({ password: Text.min(1, 'Required').max(128) });
export type DeleteAccountBody = z.infer<typeof DeleteAccountBody>;

/**
 * Better Auth's account routes, served by Troupe (SPEC §10): their bodies and answers as Better
 * Auth's clients know them. `token` of revoke-session is a session's `token` as `GET
 * /api/auth/list-sessions` gives it out: the stored SHA-256 of the session token, not a credential.
 */
export const RevokeSessionBody = z.object({ token: Text.min(1, 'Required').max(256) });
export const DeleteUserBody = z.object({ password: Text.min(1, 'Required').max(128) });
export const AuthStatus = z.object({ status: z.literal(true) });
export const DeletedUser = z.object({ success: z.literal(true), message: z.string() });
