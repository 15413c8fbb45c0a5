import { timingSafeEqual } from 'node:crypto';
import type { InviteLink } from '../../contract/invitations.ts';
import type { Role } from '../../contract/roles.ts';
import { isoTime } from '../../contract/time.ts';
import type { Conn, Db } from '../../data/db.ts';
import { findJoinTarget, type InviteLinkRow } from '../../data/invite-links.repo.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { deriveToken } from '../../infra/tokens.ts';

export interface InviteLinkDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  /** The server's secret (AUTH_SECRET): link tokens are derived from it, never stored. */
  linkSecret: string;
}

/** A link's settings: its row, or the defaults of a workspace whose link nobody changed or used. */
export type LinkSettings = Pick<
  InviteLinkRow,
  'nonce' | 'enabled' | 'role' | 'expires_at' | 'max_uses' | 'uses'
>;

export const defaultLink: LinkSettings = {
  nonce: '',
  enabled: 1,
  role: 'viewer',
  expires_at: null,
  max_uses: null,
  uses: 0,
};

export const joinUrl = (publicUrl: string, token: string) => `${publicUrl}/join/${token}`;

const MAC_LENGTH = 43;

/**
 * The link's token: the workspace id (hex) and a 256-bit HMAC of it and the link's nonce under the
 * server's secret. Nothing secret is stored: the server recomputes it to show it and to check it,
 * and a rotation (a new random nonce) changes it.
 */
export function linkToken(secret: string, workspaceId: string, nonce: string): string {
  return (
    Buffer.from(workspaceId, 'utf8').toString('hex') + deriveToken(secret, 'invite-link', workspaceId, nonce)
  );
}

/** The workspace a token names, or null when it cannot be one of ours. */
export function linkWorkspace(token: string): string | null {
  const hex = token.slice(0, -MAC_LENGTH);
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-f]+$/.test(hex)) return null;
  const id = Buffer.from(hex, 'hex').toString('utf8');
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

/** Whether `token` is the workspace's current link (constant-time). */
export function isCurrentToken(secret: string, token: string, workspaceId: string, nonce: string): boolean {
  const want = Buffer.from(linkToken(secret, workspaceId, nonce));
  const got = Buffer.from(token);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function presentInviteLink(
  deps: Pick<InviteLinkDeps, 'publicUrl' | 'linkSecret'>,
  workspaceId: string,
  link: LinkSettings,
): InviteLink {
  const token = linkToken(deps.linkSecret, workspaceId, link.nonce);
  return {
    url: joinUrl(deps.publicUrl, token),
    token,
    enabled: link.enabled === 1,
    role: link.role as Role,
    expiresAt: link.expires_at === null ? null : isoTime(link.expires_at),
    maxUses: link.max_uses,
    uses: link.uses,
  };
}

/** Why a link cannot be used, in words for the person holding it (410); null when it can. */
export function deadLink(link: LinkSettings | null, now: number): DomainError | null {
  const detail = !link
    ? 'This invite link is not valid any more: it may have been replaced. Ask for a new one.'
    : link.enabled !== 1
      ? 'This invite link has been turned off. Ask a Super Admin of the workspace for a new one.'
      : link.expires_at !== null && link.expires_at <= now
        ? 'This invite link has expired. Ask a Super Admin of the workspace for a new one.'
        : link.max_uses !== null && link.uses >= link.max_uses
          ? 'This invite link has been used as many times as it allows. Ask a Super Admin for a new one.'
          : null;
  return detail === null ? null : new DomainError('invite_expired', detail);
}

/**
 * The workspace and live link settings a token stands for: 410 when it names no workspace, is not
 * its current link (rotated, or never made), or the link is off, expired or used up.
 */
export async function liveLink(
  secret: string,
  conn: Conn,
  token: string,
  now: number,
): Promise<{ target: JoinTarget; link: LinkSettings }> {
  const ws = linkWorkspace(token);
  const target = ws ? await findJoinTarget(conn, ws) : undefined;
  const link: LinkSettings | null = target
    ? target.link_row === null
      ? defaultLink
      : {
          nonce: target.nonce ?? '',
          enabled: target.enabled ?? 1,
          role: target.role ?? 'viewer',
          expires_at: target.expires_at,
          max_uses: target.max_uses,
          uses: target.uses ?? 0,
        }
    : null;
  const current = target && link && isCurrentToken(secret, token, target.id, link.nonce);
  const dead = deadLink(current ? link : null, now);
  if (dead || !target || !link) throw dead;
  return { target, link };
}

export type JoinTarget = NonNullable<Awaited<ReturnType<typeof findJoinTarget>>>;
