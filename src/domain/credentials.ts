import type { Role } from '../contract/roles.ts';
import { type Capability, can, refusalFor } from './roles.ts';

/**
 * How a caller proved who they are. A session is its user everywhere the user belongs; an API key
 * is its owner in the one workspace it was created in (SPEC §8, §9). A visitor of a public page
 * (SPEC §6) is nobody: `anonymous`, or holding a `share_unlock` (the signed cookie a right
 * password earns), which reaches one video and only while its password is the one unlocked
 * (`passwordVersion`). Neither reaches any workspace. Only app/gate.ts reads this.
 */
export type Credential =
  /** `sessionId`: the session row's id, when known (the account page marks "this device"). */
  | { kind: 'session'; sessionId?: string }
  | { kind: 'api_key'; keyId: string; workspaceId: string }
  | { kind: 'share_unlock'; itemId: string; passwordVersion: number }
  | { kind: 'anonymous' };

/** The workspaces a credential reaches: a session, every workspace of its user; an API key, its own. */
export function reaches(credential: Credential, workspaceId: string): boolean {
  switch (credential.kind) {
    case 'session':
      return true;
    case 'api_key':
      return credential.workspaceId === workspaceId;
    case 'share_unlock':
    case 'anonymous':
      return false;
  }
}

/**
 * What a caller does inside one workspace. Each names the role capability it needs (SPEC §3) and
 * whether a person must be signed in (an API key may not mint credentials: a leaked key must not
 * outlive its revocation through a key it made).
 */
export const workspaceActions = {
  'workspace:view': { capability: 'content:view' },
  'workspace:update': { capability: 'workspace:settings' },
  'workspace:delete': { capability: 'workspace:settings' },
  'members:list': { capability: 'content:view' },
  'members:manage': { capability: 'members:manage' },
  'member:leave': { capability: 'content:view' },
  'billing:view': { capability: 'billing:manage' },
  'billing:update': { capability: 'billing:manage' },
  'audit:view': { capability: 'audit:view' },
  'items:list': { capability: 'content:view' },
  'item:create': { capability: 'content:create' },
  'api_keys:list': { capability: 'api:access' },
  'api_key:create': { capability: 'api:access', sessionOnly: true },
  'api_key:revoke': { capability: 'api:access' },
  'invite_link:manage': { capability: 'workspace:settings' },
  'join_requests:manage': { capability: 'members:manage' },
  'suggestions:view': { capability: 'members:manage' },
  'suggestion:dismiss': { capability: 'members:manage' },
} as const satisfies Record<string, { capability: Capability; sessionOnly?: true }>;

export type WorkspaceAction = keyof typeof workspaceActions;

/**
 * What a caller does as a person, outside any one workspace: creating a workspace or joining one
 * (by invitation or by invite link) reaches beyond an API key's workspace, so only a signed-in
 * person may. So is everything on the account page: an API key must never read or end its owner's
 * sessions, change their password or name, or delete the account (a leaked key would otherwise
 * take the whole account, in every workspace).
 */
const accountActions = {
  'workspace:create': 'create workspaces',
  'invitation:accept': 'accept invitations',
  'workspace:join': 'join workspaces',
  'account:view': 'see your account',
  'account:update': 'change your name',
  'sessions:manage': 'see or end your sessions',
  'password:change': 'change your password',
  'account:delete': 'delete your account',
} as const;
export type AccountAction = keyof typeof accountActions;
export const accountActionNames = Object.keys(accountActions) as AccountAction[];

export interface Denial {
  allowed: false;
  code: 'not_found' | 'forbidden';
  reason: string;
}

/**
 * The one workspace a credential is confined to (an API key's), or null for a session, which
 * reaches every workspace of its user.
 */
export function confinedTo(credential: Credential): string | null {
  return credential.kind === 'api_key' ? credential.workspaceId : null;
}

/** The user's role as the credential may use it in `workspaceId`: null beyond its reach. */
export function roleWithin(credential: Credential, workspaceId: string, role: Role | null): Role | null {
  return reaches(credential, workspaceId) ? role : null;
}

/**
 * The decision for a workspace action: outside the credential's reach or not a member -> not found
 * (as if the workspace did not exist); a credential or role that may not -> forbidden.
 */
export function decideWorkspaceAction(
  credential: Credential,
  workspaceId: string,
  role: Role | null,
  action: WorkspaceAction,
): { allowed: true; role: Role } | Denial {
  const scoped = roleWithin(credential, workspaceId, role);
  if (scoped === null) {
    return { allowed: false, code: 'not_found', reason: 'Workspace not found' };
  }
  const rule: { capability: Capability; sessionOnly?: true } = workspaceActions[action];
  if (rule.sessionOnly && credential.kind !== 'session') {
    return {
      allowed: false,
      code: 'forbidden',
      reason: `API keys cannot do this (${action}): sign in to do it`,
    };
  }
  if (!can(scoped, rule.capability)) {
    return {
      allowed: false,
      code: 'forbidden',
      reason: refusalFor(scoped, rule.capability),
    };
  }
  return { allowed: true, role: scoped };
}

export function decideAccountAction(
  credential: Credential,
  action: AccountAction,
): { allowed: true; sessionId: string | null } | Denial {
  if (credential.kind === 'session') return { allowed: true, sessionId: credential.sessionId ?? null };
  return {
    allowed: false,
    code: 'forbidden',
    reason: `An API key acts only inside its own workspace: sign in to ${accountActions[action]}`,
  };
}

/**
 * What a visitor of a public page does (SPEC §6): `public:open` learns that the page exists and
 * whether it asks for a password; `public:watch` reads the video, its poster and captions;
 * `public:download` saves the file.
 */
export type PublicAction = 'public:open' | 'public:watch' | 'public:download';

/** A Share Page as the public decision needs it. */
export interface PublicPageFacts {
  itemId: string;
  published: boolean;
  expiresAt: number | null;
  /** null: no password. */
  passwordVersion: number | null;
  allowDownload: boolean;
  hasFile: boolean;
}

export interface PublicDenial {
  allowed: false;
  code: 'not_found' | 'password_required' | 'forbidden';
  reason: string;
}

/** The one reason a public page is not there: missing, unpublished, expired and never-existing alike. */
export const PUBLIC_NOT_FOUND = 'This video is not available. Ask whoever shared the link.';

/**
 * The decision for a public visitor: a published, unexpired video with a file; its password
 * unlocked for its current version (an unlock of an earlier password, or of another video, is no
 * unlock); downloads only when the owner allows them.
 */
export function decidePublicAction(
  credential: Credential,
  facts: PublicPageFacts | null,
  action: PublicAction,
  now: number,
): { allowed: true } | PublicDenial {
  if (!facts?.published || !facts.hasFile || (facts.expiresAt !== null && facts.expiresAt <= now)) {
    return { allowed: false, code: 'not_found', reason: PUBLIC_NOT_FOUND };
  }
  if (action === 'public:open') return { allowed: true };
  if (facts.passwordVersion !== null) {
    const unlocked =
      credential.kind === 'share_unlock' &&
      credential.itemId === facts.itemId &&
      credential.passwordVersion === facts.passwordVersion;
    if (!unlocked) {
      return { allowed: false, code: 'password_required', reason: 'Enter the password to watch this video' };
    }
  }
  if (action === 'public:download' && !facts.allowDownload) {
    return { allowed: false, code: 'forbidden', reason: 'Downloads are turned off for this video' };
  }
  return { allowed: true };
}
