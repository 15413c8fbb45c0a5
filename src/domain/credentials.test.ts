import { describe, expect, it } from 'vitest';
import { roles } from '../contract/roles.ts';
import {
  type Credential,
  decideAccountAction,
  decideWorkspaceAction,
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
    for (const a of ['workspace:create', 'invitation:accept', 'workspace:join'] as const) {
      expect(decideAccountAction(session, a).allowed).toBe(true);
      expect(decideAccountAction(keyIn('ws1'), a)).toMatchObject({ allowed: false, code: 'forbidden' });
    }
  });
});
