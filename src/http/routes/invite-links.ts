import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getInviteLink } from '../../app/invite-links/get-invite-link.ts';
import type { InviteLinkDeps } from '../../app/invite-links/invite-link.ts';
import { type JoinDeps, joinByLink } from '../../app/invite-links/join-by-link.ts';
import { previewJoinLink } from '../../app/invite-links/preview-join-link.ts';
import { rotateInviteLink } from '../../app/invite-links/rotate-invite-link.ts';
import { updateInviteLink } from '../../app/invite-links/update-invite-link.ts';
import {
  InviteLink,
  JoinLinkPreview,
  JoinResult,
  LinkTokenParams,
  UpdateInviteLinkBody,
} from '../../contract/invitations.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Authenticator } from '../authenticate.ts';
import { NO_CREDENTIAL, SESSION_ONLY } from '../openapi-security.ts';
import { clientOf } from '../rate-limit.ts';

export function inviteLinkRoutes(
  app: FastifyInstance,
  deps: InviteLinkDeps & JoinDeps & { authn: Authenticator },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['invite link'];
  // Link tokens: limited per client against guessing, like invitation tokens.
  const tokenLimit = {
    rateLimit: {
      max: 60,
      timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => `join|${clientOf(req)}`,
    },
  };

  r.get(
    '/api/workspaces/:ws/invite-link',
    {
      schema: {
        tags,
        summary: "The workspace's invite link and its settings (Super Admin)",
        description: 'Until a Super Admin changes it: enabled, joiners become Viewers, no expiry, no limit.',
        params: WorkspaceParams,
        response: { 200: InviteLink },
      },
    },
    async (req) => getInviteLink(deps, await deps.authn.workspaceActor(req, req.params.ws)),
  );

  r.patch(
    '/api/workspaces/:ws/invite-link',
    {
      schema: {
        tags,
        summary: 'Turn the link on or off; set its role (never Super Admin), expiry and maximum uses',
        params: WorkspaceParams,
        body: UpdateInviteLinkBody,
        response: { 200: InviteLink },
      },
    },
    async (req) => updateInviteLink(deps, await deps.authn.workspaceActor(req, req.params.ws), req.body),
  );

  r.post(
    '/api/workspaces/:ws/invite-link/rotate',
    {
      schema: {
        tags,
        summary: 'A new link with the same settings: the old one stops working at once',
        params: WorkspaceParams,
        response: { 200: InviteLink },
      },
    },
    async (req) => rotateInviteLink(deps, await deps.authn.workspaceActor(req, req.params.ws)),
  );

  r.get(
    '/api/join/:linkToken',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags,
        summary: 'What an invite link is for (no sign-in needed); 410 when rotated, off, expired or used up',
        params: LinkTokenParams,
        response: { 200: JoinLinkPreview },
      },
      config: tokenLimit,
    },
    async (req) => previewJoinLink(deps, req.params.linkToken),
  );

  r.post(
    '/api/join/:linkToken',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Join through the invite link: `active` at once, or `requested` when approval is required',
        description:
          'Needs a signed-in person (not an API key) with a verified email. 409 `already_member`; 409 `no_seats`; 410 `invite_expired` for a rotated, disabled, expired or used-up link. A second join while a request is pending returns that request.',
        params: LinkTokenParams,
        response: { 200: JoinResult },
      },
      config: tokenLimit,
    },
    async (req) => joinByLink(deps, await deps.authn.actor(req), req.params.linkToken),
  );
}
