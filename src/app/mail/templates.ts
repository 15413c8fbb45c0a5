import type { OutgoingMail } from '../../data/outbox.repo.ts';

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
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1b1e;max-width:560px;margin:24px auto;line-height:1.5">
<p>${escapeHtml(greeting)}</p><p>${escapeHtml(body)}</p>
<p><a href="${escapeHtml(url)}" style="display:inline-block;background:#5c3ee8;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action)}</a></p>
<p style="color:#666;font-size:13px">Or paste this link into your browser:<br>${escapeHtml(url)}</p>
<p style="color:#666;font-size:13px">— Troupe</p></body></html>`;
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
    `${inviter} invited you to join the workspace "${workspace}" on Troupe as ${roleLabel}. Troupe is where the team makes and shares videos. The invitation works for 7 days.`,
    'Accept the invitation',
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
