import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listCompanyDomainOptions } from '../../app/workspaces/company-domain-options.ts';
import { createWorkspace } from '../../app/workspaces/create-workspace.ts';
import { deleteWorkspace } from '../../app/workspaces/delete-workspace.ts';
import { getWorkspace } from '../../app/workspaces/get-workspace.ts';
import { listWorkspaces } from '../../app/workspaces/list-workspaces.ts';
import { updateWorkspace } from '../../app/workspaces/update-workspace.ts';
import {
  CompanyDomainOptions,
  CreateWorkspaceBody,
  DeleteWorkspaceBody,
  UpdateWorkspaceBody,
  Workspace,
  WorkspaceList,
  WorkspaceParams,
} from '../../contract/workspaces.ts';
import type { Db } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Authenticator } from '../authenticate.ts';
import { SESSION_ONLY } from '../openapi-security.ts';
import { perClientLimit } from '../rate-limit.ts';

/**
 * Workspaces one client may create in an hour. Each new workspace comes with its own invitation
 * allowance and seats to account for; a person makes a few in a lifetime. Chosen in
 * docs/SECURITY.md (rate limits).
 */
export const WORKSPACES_PER_CLIENT_PER_HOUR = 30;

export function workspaceRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; authn: Authenticator }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['workspaces'];
  const createsPerClient = perClientLimit(
    app,
    'workspace-create',
    WORKSPACES_PER_CLIENT_PER_HOUR,
    60 * 60_000,
    // Nothing is mailed: with Redis down, creating a workspace goes on working, unlimited.
    { failOpen: true },
  );

  r.post(
    '/api/workspaces',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Create a workspace (you become its Super Admin)',
        description: `429 \`rate_limited\` after ${WORKSPACES_PER_CLIENT_PER_HOUR} in an hour from one client.`,
        body: CreateWorkspaceBody,
        response: { 201: Workspace },
      },
    },
    async (req, reply) => {
      // Counted once the caller is signed in: requests without a session use up nobody's allowance.
      const actor = await deps.authn.actor(req);
      await createsPerClient(req, reply);
      return reply.status(201).send(await createWorkspace(deps, actor, req.body));
    },
  );

  r.get(
    '/api/workspaces',
    { schema: { tags, summary: 'The workspaces you belong to', response: { 200: WorkspaceList } } },
    async (req) => listWorkspaces(deps, await deps.authn.actor(req)),
  );

  r.get(
    '/api/workspaces/:ws',
    { schema: { tags, summary: 'One workspace', params: WorkspaceParams, response: { 200: Workspace } } },
    async (req) => getWorkspace(deps, await deps.authn.workspaceActor(req, req.params.ws)),
  );

  r.get(
    '/api/workspaces/:ws/company-domains',
    {
      schema: {
        tags,
        summary: 'The company domains you may set (Super Admin)',
        description:
          "The domains of the workspace's Super Admins' verified emails, public email providers left out: `companyDomain` accepts these (400 otherwise).",
        params: WorkspaceParams,
        response: { 200: CompanyDomainOptions },
      },
    },
    async (req) => listCompanyDomainOptions(deps, await deps.authn.workspaceActor(req, req.params.ws)),
  );

  r.patch(
    '/api/workspaces/:ws',
    {
      schema: {
        tags,
        summary: 'Change workspace settings (Super Admin)',
        params: WorkspaceParams,
        body: UpdateWorkspaceBody,
        response: { 200: Workspace },
      },
    },
    async (req) => updateWorkspace(deps, await deps.authn.workspaceActor(req, req.params.ws), req.body),
  );

  r.delete(
    '/api/workspaces/:ws',
    {
      schema: {
        tags,
        summary: 'Delete a workspace and everything in it (Super Admin, typed confirmation)',
        params: WorkspaceParams,
        body: DeleteWorkspaceBody,
        response: { 204: z.null().describe('Deleted') },
      },
    },
    async (req, reply) => {
      await deleteWorkspace(deps, await deps.authn.workspaceActor(req, req.params.ws), req.body);
      return reply.status(204).send(null);
    },
  );
}
