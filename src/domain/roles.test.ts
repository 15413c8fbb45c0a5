import { describe, expect, it } from 'vitest';
import { type Role, roles } from '../contract/roles.ts';
import { type Capability, can, capabilities, refusalFor } from './roles.ts';

/** SPEC §3, cell by cell. */
const expected: Record<Capability, Role[]> = {
  'members:manage': ['super_admin'],
  'workspace:settings': ['super_admin'],
  'billing:manage': ['super_admin'],
  'audit:view': ['super_admin'],
  'content:create': ['super_admin', 'developer', 'creator'],
  'api:access': ['super_admin', 'developer'],
  'content:view': ['super_admin', 'developer', 'creator', 'viewer'],
  'content:edit': ['super_admin', 'developer', 'creator'],
};

describe('capability matrix', () => {
  it('covers every capability', () => {
    expect([...capabilities].sort()).toEqual(Object.keys(expected).sort());
  });
  for (const capability of capabilities) {
    for (const role of roles) {
      const allowed = expected[capability].includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${capability}`, () => {
        expect(can(role, capability)).toBe(allowed);
      });
    }
  }
});

describe('a refusal in words', () => {
  it('names who may and what the caller is, never a role key or capability code', () => {
    expect(refusalFor('viewer', 'members:manage')).toBe(
      'Only Super Admins can manage members, invitations and join requests; you are a Viewer.',
    );
    expect(refusalFor('creator', 'api:access')).toBe(
      'Only Super Admins and Developers can use the API and API keys; you are a Creator.',
    );
    expect(refusalFor('viewer', 'content:edit')).toBe(
      'Only Super Admins, Developers and Creators can edit items; you are a Viewer.',
    );
    for (const capability of capabilities)
      for (const role of roles) expect(refusalFor(role, capability)).not.toMatch(/[a-z]+[:_][a-z]+/);
  });
});
