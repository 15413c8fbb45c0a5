import { z } from 'zod';
import { Id, Name } from './common.ts';
import { Role } from './roles.ts';
import { Text } from './text.ts';

export const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  requireApproval: z.boolean(),
  companyDomain: z.string().nullable(),
  seats: z.number().int(),
  seatsUsed: z.number().int(),
  role: Role.describe("The caller's role in this workspace"),
  createdAt: z.string().describe('ISO 8601'),
});
export type Workspace = z.infer<typeof Workspace>;

export const WorkspaceSummary = z.object({ id: z.string(), name: z.string(), role: Role });
export type WorkspaceSummary = z.infer<typeof WorkspaceSummary>;

export const WorkspaceList = z.object({ workspaces: z.array(Workspace), nextCursor: z.string().nullable() });
export type WorkspaceList = z.infer<typeof WorkspaceList>;

export const CreateWorkspaceBody = z.strictObject({ name: Name });
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBody>;

/** A company domain as `companyDomain` takes it (and as the settings page's options must be). */
export const Domain = Text.trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'Not a valid domain')
  .meta({ example: 'acme.com' });

export const UpdateWorkspaceBody = z
  .strictObject({
    name: Name.optional(),
    requireApproval: z.boolean().optional(),
    companyDomain: Domain.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });
export type UpdateWorkspaceBody = z.infer<typeof UpdateWorkspaceBody>;

export const DeleteWorkspaceBody = z.strictObject({
  confirmName: Text.max(1000).describe("The workspace's exact name, typed by the person deleting it"),
});
export type DeleteWorkspaceBody = z.infer<typeof DeleteWorkspaceBody>;

export const WorkspaceParams = z.object({ ws: Id });

/** The company domains a Super Admin may choose (docs/RULES.md, suggestions). */
export const CompanyDomainOptions = z.object({
  options: z
    .array(z.string())
    .describe("Domains of the Super Admins' verified emails that are not public email providers"),
});
export type CompanyDomainOptions = z.infer<typeof CompanyDomainOptions>;
