import { Email } from '../contract/common.ts';
import type { Role } from '../contract/roles.ts';
import { DomainError } from './errors.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_INVITES_PER_CALL = 100;
/** A pending join request lapses after 14 days (docs/RULES.md). */
export const JOIN_REQUEST_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/**
 * Super Admins are emailed about a person's join request at most once in this time per workspace
 * (asking again after a denial is told in the app only): docs/RULES.md.
 */
export const JOIN_REQUEST_MAIL_GAP_MS = 24 * 60 * 60 * 1000;

/** The workspace's seats are all taken ("seat limit reached" goes to its Super Admins). */
export const noSeatLeft = (seats: { seatsUsed: number; seatLimit: number }): boolean =>
  seats.seatsUsed >= seats.seatLimit;

/** The members view sorts by display name (a person's name, or the email when there is none). */
export function sortKey(name: string | null | undefined, email: string): string {
  const display = name?.trim() || email;
  return display.toLowerCase();
}

/**
 * Splits pasted addresses (commas, semicolons, spaces, newlines), trims and lower-cases them and
 * drops repeats. Returns the valid ones in order and the invalid ones as typed.
 */
export function parseEmailList(input: string | string[]): { valid: string[]; invalid: string[] } {
  const parts = (Array.isArray(input) ? input : [input])
    .flatMap((s) => s.split(/[\s,;]+/))
    .filter((s) => s.length > 0);
  const valid: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const part of parts) {
    const parsed = Email.safeParse(part.replace(/^<|>$/g, ''));
    if (!parsed.success) {
      invalid.push(part);
      continue;
    }
    if (!seen.has(parsed.data)) {
      seen.add(parsed.data);
      valid.push(parsed.data);
    }
  }
  return { valid, invalid };
}

/**
 * The one place the last-Super-Admin rule lives (SPEC §2): a change that would leave the workspace
 * without an active Super Admin is refused. `superAdmins` must be counted under the workspace lock.
 */
export function assertKeepsASuperAdmin(superAdmins: number, targetRole: Role, newRole: Role | null): void {
  const losesOne = targetRole === 'super_admin' && newRole !== 'super_admin';
  if (losesOne && superAdmins <= 1) {
    throw new DomainError(
      'last_admin',
      'A workspace needs at least one Super Admin: make someone else Super Admin first',
    );
  }
}
