import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dismissSuggestion } from '../../app/suggestions/dismiss-suggestion.ts';
import { listSuggestions } from '../../app/suggestions/list-suggestions.ts';
import { SuggestionList, SuggestionParams, SuggestionsQuery } from '../../contract/suggestions.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Db, Dialect } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Authenticator } from '../authenticate.ts';

export function suggestionRoutes(
  app: FastifyInstance,
  deps: { db: Db; dialect: Dialect; clock: Clock; authn: Authenticator },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['members'];

  r.get(
    '/api/workspaces/:ws/suggestions',
    {
      schema: {
        tags,
        summary: 'People at the company domain to invite (Super Admin)',
        description:
          'Verified accounts whose email is at the workspace’s `companyDomain`, not members, not invited, not asking to join, not dismissed; by email, keyset-paginated.',
        params: WorkspaceParams,
        querystring: SuggestionsQuery,
        response: { 200: SuggestionList },
      },
    },
    async (req) => listSuggestions(deps, await deps.authn.workspaceActor(req, req.params.ws), req.query),
  );

  r.post(
    '/api/workspaces/:ws/suggestions/:userId/dismiss',
    {
      schema: {
        tags,
        summary: 'Stop suggesting this person here (Super Admin)',
        params: SuggestionParams,
        response: { 204: z.null().describe('Dismissed') },
      },
    },
    async (req, reply) => {
      await dismissSuggestion(deps, await deps.authn.workspaceActor(req, req.params.ws), {
        userId: req.params.userId,
      });
      return reply.status(204).send(null);
    },
  );
}
