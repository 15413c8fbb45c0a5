import type { Me } from '../../contract/me.ts';
import type { MeRow } from '../../data/sessions.repo.ts';

export function presentMe(row: MeRow): Me {
  return {
    id: row.userId,
    email: row.email,
    name: row.name,
    emailVerified: row.emailVerified,
    workspaces: row.workspaces,
  };
}
