import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptInvitation } from '../../app/invitations/accept-invitation.ts';
import { type InvitationDeps, inviteMembers } from '../../app/invitations/invite-members.ts';
import { previewInvitation } from '../../app/invitations/preview-invitation.ts';
import { resendInvitation } from '../../app/invitations/resend-invitation.ts';
import { revokeInvitation } from '../../app/invitations/revoke-invitation.ts';
import {
  AcceptResult,
  Invitation,
  InvitationParams,
  InvitationPreview,
  InviteBody,
  InviteResult,
  TokenParams,
} from '../../contract/invitations.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { NotificationBus } from '../../infra/bus.ts';
import type { Authenticator } from '../authenticate.ts';
import { NO_CREDENTIAL, SESSION_ONLY } from '../openapi-security.ts';
import { clientOf, perClientLimit } from '../rate-limit.ts';

/**
 * Invitation calls (invite or resend) one client may make in 10 minutes, across all workspaces.
 * Each workspace also allows 30 of each per client; workspaces are cheap to make (30 an hour per
 * client, http/routes/workspaces.ts), so without this one a client could mail 3,000 new addresses
 * per new workspace. Chosen in docs/SECURITY.md (rate limits).
 */
export const INVITE_CALLS_PER_CLIENT = 60;

export function invitationRoutes(
  app: FastifyInstance,
  deps: InvitationDeps & { authn: Authenticator; bus: NotificationBus },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['invitations'];
  // Inviting sends mail: limited per client and workspace (each route counted on its own), and per
  // client across workspaces (invites and resends together), that one counted only once the
  // caller is known to be a member (so requests without a session cannot use up an office's
  // allowance). Tokens: limited per client against guessing.
  const invitesPerClient = perClientLimit(app, 'invite', INVITE_CALLS_PER_CLIENT, 10 * 60_000);
  const inviteLimit = {
    rateLimit: {
      max: 30,
      timeWindow: 10 * 60_000,
      keyGenerator: (req: FastifyRequest) =>
        `invite|${clientOf(req)}|${(req.params as { ws?: string }).ws ?? ''}`,
    },
  };
  const tokenLimit = {
    rateLimit: {
      max: 60,
      timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => `token|${clientOf(req)}`,
    },
  };

  r.post(
    '/api/workspaces/:ws/invitations',
    {
      schema: {
        tags,
        summary: 'Invite up to 100 addresses with one role (Super Admin)',
        description: `\`emails\` is an array, or one string of addresses separated by commas, spaces, semicolons or newlines. One invalid address rejects the whole call (400, each bad one named). Existing members and live invitations are reported, not duplicated; an expired invitation is renewed (the caller becomes its inviter). Two calls inviting the same address at the same moment make one invitation (the other reports it as \`already_invited\`); 409 \`conflict\` only when a call keeps losing such races. 429 \`rate_limited\` after 30 calls in 10 minutes to one workspace from one client, or ${INVITE_CALLS_PER_CLIENT} invites and resends together to any workspaces.`,
        params: WorkspaceParams,
        body: InviteBody,
        response: { 201: InviteResult },
      },
      config: inviteLimit,
    },
    async (req, reply) => {
      const actor = await deps.authn.workspaceActor(req, req.params.ws);
      await invitesPerClient(req, reply);
      return reply.status(201).send(await inviteMembers(deps, actor, req.body));
    },
  );

  r.post(
    '/api/workspaces/:ws/invitations/:id/resend',
    {
      schema: {
        tags,
        summary: 'Send an invitation again: new link, 7 more days; the old link stops working',
        params: InvitationParams,
        response: { 200: Invitation },
      },
      config: inviteLimit,
    },
    async (req, reply) => {
      const actor = await deps.authn.workspaceActor(req, req.params.ws);
      await invitesPerClient(req, reply);
      return resendInvitation(deps, actor, { id: req.params.id });
    },
  );

  r.delete(
    '/api/workspaces/:ws/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an invitation',
        params: InvitationParams,
        response: { 204: z.null().describe('Revoked') },
      },
    },
    async (req, reply) => {
      await revokeInvitation(deps, await deps.authn.workspaceActor(req, req.params.ws), {
        id: req.params.id,
      });
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/invitations/:token',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'What an invitation link is for (no sign-in needed); 410 when used, revoked or expired',
        params: TokenParams,
        response: { 200: InvitationPreview },
      },
      config: tokenLimit,
    },
    async (req) => previewInvitation(deps, req.params.token),
  );

  r.post(
    '/api/invitations/:token/accept',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Accept: signed in as the invited, verified address, with a free seat',
        params: TokenParams,
        response: { 200: AcceptResult },
      },
      config: tokenLimit,
    },
    async (req) => acceptInvitation(deps, await deps.authn.actor(req), req.params.token),
  );
}
