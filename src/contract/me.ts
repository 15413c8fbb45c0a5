import { z } from 'zod';
import { WorkspaceSummary } from './workspaces.ts';

export const Me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  emailVerified: z.boolean(),
  workspaces: z.array(WorkspaceSummary),
});
export type Me = z.infer<typeof Me>;

/** `GET /api/session`: who is signed in, or `null` (200 either way). */
export const Session = z.object({ me: Me.nullable() });
export type Session = z.infer<typeof Session>;
