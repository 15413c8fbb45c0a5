/** The web app's `?next=` after signing in: only a path of this site (no open redirect). */
import { describe, expect, it } from 'vitest';
import { safeNext } from '../web/src/lib/safe-next.ts';

describe('safeNext', () => {
  it('keeps a path of the app, with its query and hash', () => {
    expect(safeNext('/w/abc/library?view=shared#top')).toBe('/w/abc/library?view=shared#top');
    expect(safeNext('/w/abc/members?q=ann smith')).toBe('/w/abc/members?q=ann smith');
  });

  it.each([
    ['another site', 'https://evil.example/'],
    ['a protocol-relative URL', '//evil.example'],
    ['a backslash a browser reads as a slash', '/\\evil.example'],
    ['a tab a browser drops', '/\t/evil.example'],
    ['a newline a browser drops', '/\n/evil.example'],
    ['a carriage return and a backslash', '/\r\\evil.example'],
    ['a script URL', 'javascript:alert(1)'],
    ['the API', '/api/me'],
    ['the dev mailbox', '/dev/mailbox'],
    ['nothing', ''],
  ])('refuses %s', (_, next) => {
    expect(safeNext(next, '/home')).toBe('/home');
  });
});
