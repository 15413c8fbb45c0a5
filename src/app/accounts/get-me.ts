import type { Me } from '../../contract/me.ts';
import type { Role } from '../../contract/roles.ts';
import type { Actor } from '../actor.ts';
import { withinReach } from '../gate.ts';

/** The caller and the workspaces their credential reaches (an API key: its own only). */
export function presentMe(actor: Actor, workspaces: { id: string; name: string; role: Role }[]): Me {
  return {
    id: actor.userId,
    email: actor.email,
    name: actor.name,
    emailVerified: actor.emailVerified,
    workspaces: withinReach(actor, workspaces),
  };
}
