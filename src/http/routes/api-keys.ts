import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey } from '../../app/api-keys/create-api-key.ts';
import { listApiKeys } from '../../app/api-keys/list-api-keys.ts';
import { revokeApiKey } from '../../app/api-keys/revoke-api-key.ts';
import { ApiKeyList, ApiKeyParams, CreateApiKeyBody, CreatedApiKey } from '../../contract/api-keys.ts';
import { WorkspaceParams } from '../../contract/workspaces.ts';
import type { Db, Dialect } from '../../data/db.ts';
import type { Clock } from '../../infra/clock.ts';
import type { Authenticator } from '../authenticate.ts';
import { SESSION_ONLY } from '../openapi-security.ts';

export function apiKeyRoutes(
  app: FastifyInstance,
  deps: { db: Db; dialect: Dialect; clock: Clock; authn: Authenticator },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['api keys'];
  r.post(
    '/api/workspaces/:ws/api-keys',
    {
      schema: {
        security: SESSION_ONLY,
        tags,
        summary: 'Create an API key (Developer, Super Admin); the key is in this response only',
        params: WorkspaceParams,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await createApiKey(deps, await deps.authn.workspaceActor(req, req.params.ws), req.body)),
  );
  r.get(
    '/api/workspaces/:ws/api-keys',
    {
      schema: {
        tags,
        summary: 'Live API keys: all of them for Super Admins, your own for Developers',
        params: WorkspaceParams,
        response: { 200: ApiKeyList },
      },
    },
    async (req) => listApiKeys(deps, await deps.authn.workspaceActor(req, req.params.ws)),
  );
  r.delete(
    '/api/workspaces/:ws/api-keys/:keyId',
    {
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: ApiKeyParams,
        response: { 204: z.null().describe('Revoked') },
      },
    },
    async (req, reply) => {
      await revokeApiKey(deps, await deps.authn.workspaceActor(req, req.params.ws), {
        keyId: req.params.keyId,
      });
      return reply.status(204).send(null);
    },
  );
}
