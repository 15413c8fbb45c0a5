import { describe, expect, it } from 'vitest';
import { type Role, roles } from '../contract/roles.ts';
import { type Capability, can, capabilities } from './roles.ts';

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
