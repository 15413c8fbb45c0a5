/**
 * Names are data, never markup: a workspace, a person or an item named with HTML reaches every
 * page and mail that shows it as text (docs/SECURITY.md, "Threat model": XSS in names).
 */
import { describe, expect, it } from 'vitest';
import { dialects, invite, signUp, useAdminWorkspace } from './harness.ts';

const PAYLOAD = '<img src=x onerror=alert(1)>"\'&';

describe.each(dialects)('names with markup on %s', (dialect) => {
  const fx = useAdminWorkspace(dialect);

  it('are escaped in invitation mail and in the dev mailbox, and returned verbatim as JSON', async () => {
    const rename = await fx.app.request({
      method: 'PATCH',
      url: `/api/workspaces/${fx.ws.id}`,
      cookie: fx.admin.cookie,
      body: { name: PAYLOAD },
    });
    expect(rename.statusCode).toBe(200);
    expect(rename.json().name).toBe(PAYLOAD);
    const renamed = await fx.app.request({
      method: 'POST',
      url: '/api/auth/update-user',
      cookie: fx.admin.cookie,
      body: { name: `Ada ${PAYLOAD}` },
    });
    expect(renamed.statusCode).toBe(200);
    expect((await invite(fx.app, fx.admin.cookie, fx.ws.id, ['guest@example.com'])).statusCode).toBe(201);

    const mail = await fx.app.troupe.data.db
      .selectFrom('mail_outbox')
      .select(['subject', 'html_body', 'text_body'])
      .where('to_address', '=', 'guest@example.com')
      .executeTakeFirstOrThrow();
    expect(mail.html_body).not.toContain('<img');
    expect(mail.html_body).toContain('&#60;img src=x onerror=alert(1)&#62;');
    // Plain text and the subject carry the name as it is: they are not HTML.
    expect(mail.text_body).toContain(PAYLOAD);

    const page = await fx.app.request({ method: 'GET', url: '/dev/mailbox' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<img');
    expect(page.body).toContain('&#60;img');
    const one = await fx.app.request({ method: 'GET', url: '/dev/mailbox.json' });
    expect(one.json().mails[0].subject).toContain(PAYLOAD);
  });

  it('an item titled with markup comes back as the same text', async () => {
    const other = await signUp(fx.app, { name: PAYLOAD });
    expect(other.userId).toBeTruthy();
    const res = await fx.app.request({
      method: 'POST',
      url: `/api/workspaces/${fx.ws.id}/items`,
      cookie: fx.admin.cookie,
      body: { kind: 'draft', title: PAYLOAD },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().title).toBe(PAYLOAD);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});
