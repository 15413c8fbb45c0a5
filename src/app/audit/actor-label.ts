import type { Actor } from '../actor.ts';

/** How an actor is named in the audit log (kept as text: it outlives the account). */
export const actorRef = (actor: Actor) => ({ id: actor.userId, label: `${actor.name} <${actor.email}>` });
