import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { isoTime } from '../../contract/time.ts';
import type { Db } from '../../data/db.ts';
import { findMail, listRecentMail } from '../../data/outbox.repo.ts';
import { isLoopbackClient } from '../loopback.ts';
import { problem, sendProblem } from '../problem.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Anyone but a loopback client gets the 404 of a route that does not exist. */
function loopbackOnly(req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
  if (isLoopbackClient(req)) return done();
  reply.callNotFound();
}

/**
 * The development mailbox: every mail in the outbox, newest first, with its links (which sign in,
 * reset passwords and join workspaces). Registered only while no SMTP_URL is set outside
 * production (Config.devMailbox), and it answers only clients on this machine (by the socket's
 * address). `/dev/mailbox.json` serves the same for scripts and tests.
 */
export function devMailboxRoutes(app: FastifyInstance, deps: { db: Db }) {
  const opts = { onRequest: loopbackOnly, schema: { hide: true } };
  app.get('/dev/mailbox.json', opts, async () => {
    const rows = await listRecentMail(deps.db, 200);
    return {
      mails: rows.map((m) => ({
        id: m.id,
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        status: m.status,
        createdAt: isoTime(m.created_at),
        links: m.text_body.match(/https?:\/\/\S+/g) ?? [],
      })),
    };
  });

  app.get('/dev/mailbox', opts, async (_req, reply) => {
    const rows = await listRecentMail(deps.db, 200);
    const items = rows
      .map((m) => {
        const links = (m.text_body.match(/https?:\/\/\S+/g) ?? [])
          .map((l) => `<a class="link" href="${esc(l)}">${esc(l)}</a>`)
          .join('<br>');
        return `<article class="mail" data-to="${esc(m.to_address)}">
  <header><strong class="subject">${esc(m.subject)}</strong><span class="status ${m.status}">${m.status}</span></header>
  <div class="meta">To <span class="to">${esc(m.to_address)}</span> · ${new Date(m.created_at).toLocaleString('en-GB')} · <a href="/dev/mailbox/${m.id}">open</a></div>
  <div class="links">${links}</div>
</article>`;
      })
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Dev mailbox · Troupe</title><meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;background:#f6f6fb;color:#1a1b1e;margin:0}main{max-width:820px;margin:32px auto;padding:0 16px}
h1{font-size:22px}.mail{background:#fff;border:1px solid #e3e3ee;border-radius:10px;padding:14px 16px;margin:12px 0}
header{display:flex;justify-content:space-between;gap:12px}.meta{color:#666;font-size:13px;margin:4px 0 8px}.links a{word-break:break-all;font-size:14px}
.status{font-size:12px;border-radius:10px;padding:2px 8px;background:#eee}.status.sent{background:#e3f7e8;color:#17602e}.status.failed{background:#fde8e8;color:#9b1c1c}</style></head>
<body><main><h1>Dev mailbox</h1><p>Mail Troupe would have sent (no <code>SMTP_URL</code> is set). Newest first.</p>
${items || '<p>No mail yet.</p>'}</main></body></html>`);
  });

  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', opts, async (req, reply) => {
    const mail = await findMail(deps.db, req.params.id);
    if (!mail) return sendProblem(reply, problem('not_found', 'No such mail'));
    return reply.type('text/html; charset=utf-8').send(mail.html_body);
  });
}
