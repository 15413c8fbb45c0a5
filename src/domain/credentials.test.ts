import { describe, expect, it } from 'vitest';
import { roles } from '../contract/roles.ts';
import {
  accountActionNames,
  type Credential,
  decideAccountAction,
  decidePublicAction,
  decideWorkspaceAction,
  type PublicAction,
  type PublicPageFacts,
  reaches,
  type WorkspaceAction,
  workspaceActions,
} from './credentials.ts';
import { can } from './roles.ts';

const session: Credential = { kind: 'session' };
const keyIn = (workspaceId: string): Credential => ({ kind: 'api_key', keyId: 'k1', workspaceId });
const actions = Object.keys(workspaceActions) as WorkspaceAction[];

describe('workspace actions by credential', () => {
  it.each(actions)('%s: a session acts with its role; a non-member finds nothing', (action) => {
    for (const role of roles) {
      const d = decideWorkspaceAction(session, 'ws1', role, action);
      expect(d.allowed).toBe(can(role, workspaceActions[action].capability));
      if (!d.allowed) expect(d.code).toBe('forbidden');
    }
    expect(decideWorkspaceAction(session, 'ws1', null, action)).toMatchObject({
      allowed: false,
      code: 'not_found',
    });
  });

  it.each(actions)(
    '%s: a key from another workspace finds nothing, whatever its owner’s role here',
    (action) => {
      for (const role of roles) {
        expect(decideWorkspaceAction(keyIn('ws2'), 'ws1', role, action)).toMatchObject({
          allowed: false,
          code: 'not_found',
        });
      }
    },
  );

  it('a key in its own workspace acts with its owner’s role, but never mints keys', () => {
    expect(decideWorkspaceAction(keyIn('ws1'), 'ws1', 'developer', 'items:list').allowed).toBe(true);
    expect(decideWorkspaceAction(keyIn('ws1'), 'ws1', 'developer', 'billing:view')).toMatchObject({
      code: 'forbidden',
    });
    expect(decideWorkspaceAction(keyIn('ws1'), 'ws1', 'super_admin', 'api_key:create')).toMatchObject({
      allowed: false,
      code: 'forbidden',
    });
    expect(decideWorkspaceAction(session, 'ws1', 'developer', 'api_key:create').allowed).toBe(true);
  });

  it('account actions are for signed-in people only', () => {
    expect(accountActionNames).toEqual(
      expect.arrayContaining([
        'workspace:create',
        'invitation:accept',
        'workspace:join',
        'account:view',
        'account:update',
        'sessions:manage',
        'password:change',
        'account:delete',
      ]),
    );
    for (const a of accountActionNames) {
      expect(decideAccountAction(session, a).allowed).toBe(true);
      expect(decideAccountAction(keyIn('ws1'), a)).toMatchObject({ allowed: false, code: 'forbidden' });
      expect(decideAccountAction({ kind: 'anonymous' }, a).allowed).toBe(false);
      expect(decideAccountAction({ kind: 'share_unlock', itemId: 'v1', passwordVersion: 1 }, a).allowed).toBe(
        false,
      );
    }
  });

  it('tells the account page which session is asking', () => {
    expect(decideAccountAction({ kind: 'session', sessionId: 's1' }, 'sessions:manage')).toEqual({
      allowed: true,
      sessionId: 's1',
    });
  });
});

describe('decidePublicAction (a public page visitor)', () => {
  const now = 1_000_000;
  const page = {
    itemId: 'v1',
    published: true,
    expiresAt: null,
    passwordVersion: null,
    allowDownload: false,
    hasFile: true,
  } satisfies PublicPageFacts;
  const anon: Credential = { kind: 'anonymous' };
  const unlock = (itemId: string, passwordVersion: number): Credential => ({
    kind: 'share_unlock',
    itemId,
    passwordVersion,
  });
  const code = (c: Credential, f: PublicPageFacts | null, a: PublicAction) => {
    const d = decidePublicAction(c, f, a, now);
    return d.allowed ? 'allowed' : d.code;
  };

  it('shows nothing of a missing, unpublished, expired or file-less page', () => {
    for (const f of [
      null,
      { ...page, published: false },
      { ...page, expiresAt: now },
      { ...page, hasFile: false },
    ]) {
      for (const a of ['public:open', 'public:watch', 'public:download'] as const) {
        expect(code(unlock('v1', 0), f, a)).toBe('not_found');
      }
    }
    expect(code(anon, { ...page, expiresAt: now + 1 }, 'public:watch')).toBe('allowed');
  });

  it('asks for the password until this video is unlocked for its current password', () => {
    const locked = { ...page, passwordVersion: 3, allowDownload: true };
    expect(code(anon, locked, 'public:open')).toBe('allowed');
    expect(code(anon, locked, 'public:watch')).toBe('password_required');
    expect(code(unlock('v1', 2), locked, 'public:watch')).toBe('password_required');
    expect(code(unlock('v2', 3), locked, 'public:watch')).toBe('password_required');
    expect(code({ kind: 'session' }, locked, 'public:watch')).toBe('password_required');
    expect(code(unlock('v1', 3), locked, 'public:watch')).toBe('allowed');
    expect(code(unlock('v1', 3), locked, 'public:download')).toBe('allowed');
  });

  it('downloads only when allowed', () => {
    expect(code(anon, page, 'public:download')).toBe('forbidden');
    expect(code(anon, { ...page, allowDownload: true }, 'public:download')).toBe('allowed');
  });

  it('public credentials reach no workspace', () => {
    expect(reaches(anon, 'w1')).toBe(false);
    expect(reaches(unlock('v1', 0), 'w1')).toBe(false);
    expect(decideWorkspaceAction(unlock('v1', 0), 'w1', 'super_admin', 'workspace:view')).toMatchObject({
      allowed: false,
      code: 'not_found',
    });
    expect(decideAccountAction(anon, 'workspace:create').allowed).toBe(false);
  });
});
