import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.ts';

describe('redactUrl', () => {
  it.each([
    ['/api/invitations/abc', '/api/invitations/…'],
    ['/api/invitations/abc/accept', '/api/invitations/…/accept'],
    ['/api/auth/reset-password/abc?callbackURL=%2Freset-password', '/api/auth/reset-password/…?…'],
    ['/api/auth/verify-email?token=abc&callbackURL=/verified', '/api/auth/verify-email?…'],
    ['/reset-password?token=abc', '/reset-password?…'],
    ['/api/join/abc', '/api/join/…'],
    ['/join/abc', '/join/…'],
    ['/invite/abc', '/invite/…'],
    ['/invite/abc/', '/invite/…/'],
    ['/v/abc', '/v/…'],
    ['/embed/abc', '/embed/…'],
    ['/api/public/videos/abc/unlock', '/api/public/videos/…/unlock'],
    ['/API/Invitations/abc', '/API/Invitations/…'],
    ['/api/invit%61tions/abc', '/api/invit%61tions/…'],
    ['//api//invitations/abc', '//api//invitations/…'],
    ['/api/%ZZ/abc', '/api/%ZZ/abc'],
  ])('%s -> %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it('leaves paths without tokens alone', () => {
    for (const url of [
      '/api/me',
      '/api/workspaces/01J/invitations/01K',
      '/api/invitations',
      '/invite',
      '/',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
