import type { ErrorCode, FieldIssue } from '../contract/errors.ts';

/** A rule said no. The http layer maps `code` to a status; `detail` is safe to show to the caller. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors?: FieldIssue[],
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const forbidden = (detail: string) => new DomainError('forbidden', detail);
export const invalid = (path: string, message: string) =>
  new DomainError('validation', `${path}: ${message}`, [{ path, message }]);
