import type { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';
import { notifyInfo } from './notify.ts';

/**
 * Errors that mean "what you acted on changed since this page loaded": the row is gone
 * (accepted, revoked, removed by someone else) or no longer in the state the button assumed.
 */
const staleCodes = new Set(['not_found', 'conflict', 'request_closed', 'invite_expired']);

export function isStale(error: unknown): boolean {
  return error instanceof ApiError && staleCodes.has(error.code);
}

/**
 * After a stale action: refresh every list on screen and say so in one short sentence, instead of
 * leaving the old row and a bare "not found". `what` completes "That … changed".
 */
export function refreshAfterStale(queryClient: QueryClient, message: string): void {
  void queryClient.invalidateQueries();
  notifyInfo('The list was out of date', `${message} The list is now up to date.`);
}
