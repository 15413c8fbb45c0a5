/** Stable error codes (SPEC §9). Adding a code without an HTTP status fails to compile in http/problem.ts. */
export const errorCodes = [
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'email_taken',
  'invalid_credentials',
  'email_not_verified',
  'no_seats',
  'already_member',
  'request_closed',
  'last_admin',
  'invite_expired',
  'email_mismatch',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'range_not_satisfiable',
  'precondition_failed',
  'password_required',
  'invalid_password',
  'csrf',
  'internal',
  'unavailable',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** One field-level problem, e.g. `{ path: 'name', message: 'Too long' }`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** RFC 9457 problem details as Troupe sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldIssue[];
  requestId?: string;
}
