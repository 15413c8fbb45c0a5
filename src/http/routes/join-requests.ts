import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { approveJoinRequest, type DecideDeps } from '../../app/join-requests/approve-join-request.ts';
import { denyJoinRequest } from '../../app/join-requests/deny-join-request.ts';
import { listJoinRequests } from '../../app/join-requests/list-join-requests.ts';
import {
  JoinRequest,
  JoinRequestList,
  JoinRequestParams,
  JoinRequestsQuery,
} from '../../contract/join-requests.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Authenticator } from '../authenticate.ts';

export function joinRequestRoutes(app: FastifyInstance, deps: DecideDeps & { authn: Authenticator }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['join requests'];

  r.get(
    '/api/workspaces/:ws/join-requests',
    {
      schema: {
        tags,
        summary: 'Pending join requests, newest first (Super Admin)',
        params: WorkspaceParams,
        querystring: JoinRequestsQuery,
        response: { 200: JoinRequestList },
      },
    },
    async (req) => listJoinRequests(deps, await deps.authn.workspaceActor(req, req.params.ws), req.query),
  );

  r.post(
    '/api/workspaces/:ws/join-requests/:id/approve',
    {
      schema: {
        tags,
        summary: 'Approve: the person is an active member at once and uses a seat (Super Admin)',
        description:
          '409 `no_seats` when every seat is taken (the request stays pending); 409 `request_closed` when already approved, denied or expired.',
        params: JoinRequestParams,
        response: { 200: JoinRequest },
      },
    },
    async (req) =>
      approveJoinRequest(deps, await deps.authn.workspaceActor(req, req.params.ws), { id: req.params.id }),
  );

  r.post(
    '/api/workspaces/:ws/join-requests/:id/deny',
    {
      schema: {
        tags,
        summary: 'Deny: the request is closed and the person is told (Super Admin)',
        description: '409 `request_closed` when already approved, denied or expired.',
        params: JoinRequestParams,
        response: { 200: JoinRequest },
      },
    },
    async (req) =>
      denyJoinRequest(deps, await deps.authn.workspaceActor(req, req.params.ws), { id: req.params.id }),
  );
}
