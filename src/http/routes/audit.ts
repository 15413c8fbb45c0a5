import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listAuditEvents } from '../../app/audit/list-audit-events.ts';
import { AuditPage, AuditQuery } from '../../contract/audit.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Db } from '../../data/db.ts';
import type { Authenticator } from '../authenticate.ts';

export function auditRoutes(app: FastifyInstance, deps: { db: Db; authn: Authenticator }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/workspaces/:ws/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first, filterable by action and actor (Super Admin)',
        params: WorkspaceParams,
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (req) => listAuditEvents(deps, await deps.authn.workspaceActor(req, req.params.ws), req.query),
  );
}
