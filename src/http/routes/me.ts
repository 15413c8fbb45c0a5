import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { presentMe } from '../../app/accounts/get-me.ts';
import { Me } from '../../contract/me.ts';
import type { Authenticator } from '../authenticate.ts';

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
}
