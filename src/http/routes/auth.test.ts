import { describe, expect, it } from 'vitest';
import { codeFor } from './auth.ts';

describe('Better Auth errors', () => {
  it("maps Better Auth's answers to our codes, whatever status it picked", () => {
    expect(codeFor(422, 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL')).toBe('email_taken');
    expect(codeFor(422, 'FAILED_TO_CREATE_USER')).toBe('internal');
    expect(codeFor(422, 'SOMETHING_ELSE')).toBe('validation');
    expect(codeFor(401, 'INVALID_EMAIL_OR_PASSWORD')).toBe('invalid_credentials');
    expect(codeFor(403, 'EMAIL_NOT_VERIFIED')).toBe('email_not_verified');
    expect(codeFor(400, 'EMAIL_MISMATCH')).toBe('email_mismatch');
    expect(codeFor(400, 'VALIDATION_ERROR')).toBe('validation');
    expect(codeFor(401, 'SESSION_EXPIRED')).toBe('unauthenticated');
    expect(codeFor(403, 'INVALID_ORIGIN')).toBe('forbidden');
    expect(codeFor(404, '')).toBe('not_found');
    expect(codeFor(405, 'METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED')).toBe('validation');
    expect(codeFor(409, 'SOCIAL_ACCOUNT_ALREADY_LINKED')).toBe('conflict');
    expect(codeFor(417, '')).toBe('validation');
    expect(codeFor(429, '')).toBe('rate_limited');
    expect(codeFor(500, 'FAILED_TO_GET_SESSION')).toBe('internal');
    expect(codeFor(503, '')).toBe('internal');
  });
});
