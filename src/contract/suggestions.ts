import { z } from 'zod';
import { Id } from './common.ts';
import { Text } from './text.ts';

/** Someone who signed up with the workspace's company domain and is not in it yet (SPEC §4.5). */
export const Suggestion = z.object({ userId: z.string(), email: z.string(), name: z.string() });
export type Suggestion = z.infer<typeof Suggestion>;

export const SuggestionList = z.object({
  suggestions: z.array(Suggestion),
  nextCursor: z.string().nullable(),
  companyDomain: z.string().nullable().describe('null: no company domain is set, so no suggestions'),
});
export type SuggestionList = z.infer<typeof SuggestionList>;

export const SuggestionsQuery = z.object({
  cursor: Text.max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const SuggestionParams = z.object({ ws: Id, userId: Id });
