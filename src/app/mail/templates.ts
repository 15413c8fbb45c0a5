import type { OutgoingMail } from '../../data/outbox.repo.ts';
import { JOIN_REQUEST_TTL_MS } from '../../domain/members.ts';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain, readable transactional email: a greeting, one paragraph, one button, the link spelled out. */
function actionMail(
  to: string,
  subject: string,
  greeting: string,
  body: string,
  action: string,
  url: string,
): OutgoingMail {
  const text = `${greeting}\n\n${body}\n\n${action}: ${url}\n\n— Troupe`;
  // At most 600px wide, and every long word (the spelled-out link, a long name or address) wraps:
  // a mail client that ignores max-width still gets the table's width, and word-break keeps an
  // unbroken 200-character URL inside it.
  const wrap = 'overflow-wrap:anywhere;word-break:break-word';
  const html = `<!doctype html><html><head><meta name="viewport" content="width=device-width,initial-scale=1"></head>
<body style="margin:0;padding:0;font-family:system-ui,sans-serif;color:#1a1b1e;line-height:1.5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;margin:0 auto;table-layout:fixed"><tr><td style="padding:24px 16px;${wrap}">
<p style="${wrap}">${escapeHtml(greeting)}</p><p style="${wrap}">${escapeHtml(body)}</p>
<p><a href="${escapeHtml(url)}" style="display:inline-block;background:#5c3ee8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action)}</a></p>
<p style="color:#555;font-size:13px;${wrap}">Or paste this link into your browser:<br><span style="${wrap}">${escapeHtml(url)}</span></p>
<p style="color:#555;font-size:13px">— Troupe</p>
</td></tr></table></body></html>`;
  return { to, subject, text, html };
}

export function verificationMail(to: string, name: string, url: string): OutgoingMail {
  return actionMail(
    to,
    'Verify your email for Troupe',
    `Hi ${name},`,
    'Confirm that this is your email address to finish setting up your Troupe account. The link works for 24 hours.',
    'Verify email',
    url,
  );
}

export function resetPasswordMail(to: string, name: string, url: string): OutgoingMail {
  return actionMail(
    to,
    'Reset your Troupe password',
    `Hi ${name},`,
    'Someone asked to reset the password of your Troupe account. If it was you, choose a new password below; the link works for one hour. If not, ignore this email.',
    'Choose a new password',
    url,
  );
}

export function invitationMail(
  to: string,
  inviter: string,
  workspace: string,
  roleLabel: string,
  url: string,
): OutgoingMail {
  return actionMail(
    to,
    `${inviter} invited you to ${workspace} on Troupe`,
    'Hi,',
    `${inviter} invited you to join the workspace "${workspace}" on Troupe as ${roleLabel}. Troupe is where the team shares and publishes videos. The invitation works for 7 days.`,
    'Accept the invitation',
    url,
  );
}

/** To each Super Admin when someone asks to join through the invite link (docs/RULES.md, join requests). */
export function joinRequestMail(
  to: string,
  name: string,
  requester: { name: string; email: string },
  workspace: string,
  roleLabel: string,
  url: string,
): OutgoingMail {
  return actionMail(
    to,
    `${requester.name} asks to join ${workspace}`,
    `Hi ${name},`,
    `${requester.name} (${requester.email}) asked to join the workspace "${workspace}" on Troupe through its invite link, as ${roleLabel}. Approve or deny the request in Troupe; it lapses in ${JOIN_REQUEST_TTL_MS / 86_400_000} days if nobody decides.`,
    'Review the request',
    url,
  );
}

export function joinApprovedMail(
  to: string,
  name: string,
  workspace: string,
  roleLabel: string,
  url: string,
) {
  return actionMail(
    to,
    `You're in: your request to join ${workspace} was approved`,
    `Hi ${name},`,
    `A Super Admin approved your request to join the workspace "${workspace}" on Troupe. You are a member now, as ${roleLabel}.`,
    `Open ${workspace}`,
    url,
  );
}

export function joinDeniedMail(to: string, name: string, workspace: string, url: string) {
  return actionMail(
    to,
    `Your request to join ${workspace} was declined`,
    `Hi ${name},`,
    `A Super Admin of the workspace "${workspace}" declined your request to join it. If you think this is a mistake, ask them for an invitation.`,
    'Open Troupe',
    url,
  );
}
