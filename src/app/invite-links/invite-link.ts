import type { InviteLink } from '../../contract/invitations.ts';
import type { Role } from '../../contract/roles.ts';
import type { Conn, Db } from '../../data/db.ts';
import {
  findInviteLink,
  type InviteLinkRow,
  insertInviteLink,
  updateInviteLink,
} from '../../data/invite-links.repo.ts';
import { DomainError, notFound } from '../../domain/errors.ts';
import type { Clock } from '../../infra/clock.ts';
import { deriveToken, hashToken, newToken } from '../../infra/tokens.ts';

export interface InviteLinkDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  /** The server's secret (AUTH_SECRET): link tokens are derived from it, never stored. */
  linkSecret: string;
}

export const joinUrl = (publicUrl: string, token: string) => `${publicUrl}/join/${token}`;

/** The link's token: derived from its random nonce with the secret (see deriveToken). */
export const linkToken = (secret: string, workspaceId: string, nonce: string) =>
  deriveToken(secret, 'invite-link', workspaceId, nonce);

/** A fresh nonce and the hash of the token it makes: a new link, the old one dead. */
export function freshLink(secret: string, workspaceId: string) {
  const nonce = newToken(16);
  return { nonce, tokenHash: hashToken(linkToken(secret, workspaceId, nonce)) };
}

/**
 * The workspace's link, made on first use (enabled, Viewer, no expiry, no limit). Should the
 * server's secret have changed since, the stored hash is brought in line with the token shown now
 * (the old secret's link stops working, as every session signed with it did).
 */
export async function loadInviteLink(
  deps: InviteLinkDeps,
  tx: Conn,
  workspaceId: string,
  userId: string,
): Promise<InviteLinkRow> {
  let row = await findInviteLink(tx, workspaceId);
  const now = deps.clock.now();
  if (!row) {
    await insertInviteLink(
      tx,
      { workspaceId, createdBy: userId, ...freshLink(deps.linkSecret, workspaceId) },
      now,
    );
    row = await findInviteLink(tx, workspaceId);
    if (!row) throw notFound('Workspace');
  }
  const tokenHash = hashToken(linkToken(deps.linkSecret, workspaceId, row.nonce));
  if (tokenHash !== row.token_hash) {
    await updateInviteLink(tx, workspaceId, { token_hash: tokenHash }, now);
    row = { ...row, token_hash: tokenHash };
  }
  return row;
}

export function presentInviteLink(
  deps: Pick<InviteLinkDeps, 'publicUrl' | 'linkSecret'>,
  row: InviteLinkRow,
): InviteLink {
  const token = linkToken(deps.linkSecret, row.workspace_id, row.nonce);
  return {
    url: joinUrl(deps.publicUrl, token),
    token,
    enabled: row.enabled === 1,
    role: row.role as Role,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
    maxUses: row.max_uses,
    uses: row.uses,
  };
}

/** Why a link cannot be used, in words for the person holding it (410). */
export function deadLink(
  link: { enabled: number; expires_at: number | null; max_uses: number | null; uses: number } | undefined,
  now: number,
): DomainError | null {
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
