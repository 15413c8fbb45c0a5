import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { presentMe } from '../../app/accounts/get-me.ts';
import { Me, Session } from '../../contract/me.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Authenticator } from '../authenticate.ts';
import { NO_CREDENTIAL } from '../openapi-security.ts';

export function meRoutes(app: FastifyInstance, deps: { authn: Authenticator }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/me',
    {
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in user and their workspaces',
        response: { 200: Me },
      },
    },
    async (req) => {
      const { actor, workspaces } = await deps.authn.me(req);
      return presentMe(actor, workspaces);
    },
  );

  // The web app's "am I signed in?": 200 either way, so a signed-out page logs no failed request.
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/session',
    {
      schema: {
        security: NO_CREDENTIAL,
        tags: ['accounts'],
        summary: 'The signed-in user, or null when signed out (never 401)',
        response: { 200: Session },
      },
    },
    async (req) => {
      try {
        const { actor, workspaces } = await deps.authn.me(req);
        return { me: presentMe(actor, workspaces) };
      } catch (err) {
        if (err instanceof DomainError && err.code === 'unauthenticated') return { me: null };
        throw err;
      }
    },
  );
}
