import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changeMemberRole } from '../../app/members/change-member-role.ts';
import { listMembersJson } from '../../app/members/list-members.ts';
import { MembersPageCache } from '../../app/members/members-page-cache.ts';
import { removeMember } from '../../app/members/remove-member.ts';
import {
  MemberParams,
  MemberRow,
  MembersPage,
  MembersQuery,
  UpdateMemberBody,
} from '../../contract/members.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Db, Dialect } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Metrics } from '../../infra/metrics.ts';
import type { Authenticator } from '../authenticate.ts';
import { sendJson } from '../send-json.ts';
import { bodyWriter } from '../serializer.ts';

export function memberRoutes(
  app: FastifyInstance,
  deps: {
    db: Db;
    dialect: Dialect;
    clock: Clock;
    authn: Authenticator;
    membersPageCacheBytes: number;
    metrics: Metrics | null;
    production: boolean;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const pages = new MembersPageCache(deps.membersPageCacheBytes, deps.metrics?.membersPageCache ?? null);
  deps.metrics?.membersPageCache.size(() => pages.bytes());
  const tags = ['members'];
  // Once, not per request: a spread of the whole deps is V8's slow path. The page's serializer is
  // the one Fastify would compile for the route (checked against zod outside production).
  const listDeps = {
    ...deps,
    pages,
    stringify: bodyWriter(MembersPage, {
      method: 'GET',
      url: '/api/workspaces/:ws/members',
      verify: !deps.production,
    }),
  };

  r.get(
    '/api/workspaces/:ws/members',
    {
      schema: {
        tags,
        summary: 'The members view: members, invitations and join requests, by name, searchable',
        description:
          'Every member sees the active members; Super Admins also see invitations (`invite_sent`, `invite_expired`) and join requests (`requested`). Keyset-paginated: pass `nextCursor` back as `cursor`.',
        params: WorkspaceParams,
        querystring: MembersQuery,
        response: { 200: MembersPage },
      },
    },
    async (req, reply) =>
      sendJson(
        reply,
        await listMembersJson(listDeps, await deps.authn.workspaceActor(req, req.params.ws), req.query),
      ),
  );

  r.patch(
    '/api/workspaces/:ws/members/:userId',
    {
      schema: {
        tags,
        summary: "Change a member's role (Super Admin)",
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: MemberRow },
      },
    },
    async (req) =>
      changeMemberRole(deps, await deps.authn.workspaceActor(req, req.params.ws), {
        userId: req.params.userId,
        role: req.body.role,
      }),
  );

  r.delete(
    '/api/workspaces/:ws/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a member (Super Admin), or leave with your own id',
        params: MemberParams,
        response: { 204: z.null().describe('Removed') },
      },
    },
    async (req, reply) => {
      await removeMember(deps, await deps.authn.workspaceActor(req, req.params.ws), {
        userId: req.params.userId,
      });
      return reply.status(204).send(null);
    },
  );
}
