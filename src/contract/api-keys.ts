import { z } from 'zod';
import { Id, Name } from './common.ts';

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  owner: z.object({ id: z.string(), name: z.string() }),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateApiKeyBody = z.strictObject({
  name: Name,
  expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
});

export const CreatedApiKey = ApiKey.extend({ key: z.string().describe('Shown once; store it now') });
export const ApiKeyList = z.object({ apiKeys: z.array(ApiKey), nextCursor: z.string().nullable() });
export const ApiKeyParams = z.object({ ws: Id, keyId: Id });
