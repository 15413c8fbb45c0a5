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
