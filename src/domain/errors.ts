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

/** Something Troupe depends on and cannot work without for this request. */
export type Dependency = 'database' | 'redis' | 'storage';

const unavailableDetail: Record<Dependency, string> = {
  database: 'The database is not answering; try again in a moment.',
  redis: 'The rate-limit store (Redis) is not answering; try again in a moment.',
  storage: 'File storage is not answering; try again in a moment.',
};

/**
 * A dependency (the database, Redis, file storage) could not be reached or stopped answering: the
 * request is refused with 503 `unavailable` naming it, never left hanging. `cause` is the
 * driver's own error, for the log.
 */
export class DependencyUnavailable extends DomainError {
  constructor(
    readonly dependency: Dependency,
    cause?: unknown,
  ) {
    super('unavailable', unavailableDetail[dependency]);
    this.name = 'DependencyUnavailable';
    this.cause = cause;
  }
}

/** The DependencyUnavailable in `err` or its chain of causes, if any. */
export function findUnavailable(err: unknown): DependencyUnavailable | null {
  for (let e = err, depth = 0; e && depth < 10; depth++) {
    if (e instanceof DependencyUnavailable) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
