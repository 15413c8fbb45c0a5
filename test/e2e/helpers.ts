import { type APIRequestContext, expect, type Page } from '@playwright/test';

export const PASSWORD = 'correct-horse-battery';

/** An address no earlier run used: `<who>-<timestamp>-<random>@example.com`. */
export function uniqueEmail(who: string): string {
  return `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;
}

interface Mail {
  to: string;
  subject: string;
  links: string[];
}

/**
 * The newest link in the dev mailbox (`/dev/mailbox.json`) sent to `to` that matches `pattern`.
 * Mail goes through an outbox, so this polls for a few seconds.
 */
export async function mailLink(request: APIRequestContext, to: string, pattern: RegExp): Promise<string> {
  let found: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await request.get('/dev/mailbox.json');
        if (!res.ok()) return undefined;
        const { mails } = (await res.json()) as { mails: Mail[] };
        found = mails
          .filter((m) => m.to.toLowerCase() === to.toLowerCase())
          .flatMap((m) => m.links)
          .find((l) => pattern.test(l));
        return found;
      },
      { message: `a mail to ${to} with a link matching ${pattern}`, timeout: 15_000 },
    )
    .toBeTruthy();
  return found as string;
}

/** Fills and sends the sign-up form (already open, or opened here); lands on "verify your email". */
export async function signUp(page: Page, person: { name: string; email: string }, open = true) {
  if (open) await page.goto('/sign-up');
  await page.getByLabel('Name', { exact: true }).fill(person.name);
  const email = page.getByLabel('Email', { exact: true });
  if ((await email.inputValue()) !== person.email) await email.fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/verify-email/);
  await expect(page.getByText(`Check your inbox at ${person.email}`)).toBeVisible();
}

/** Opens the verification link from the dev mailbox; returns the URL it landed on. */
export async function verifyEmail(page: Page, email: string): Promise<string> {
  const link = await mailLink(page.request, email, /\/verify-email\?/);
  await page.goto(link);
  return page.url();
}

/** Creates a workspace from whichever "Create workspace" control is visible; returns its id. */
export async function createWorkspace(page: Page, name: string): Promise<string> {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Workspace name').fill(name);
  await dialog.getByRole('button', { name: 'Create workspace' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/w\/[^/]+\/members$/);
  await expect(page.getByTestId('workspace-switcher')).toContainText(name);
  const id = /\/w\/([^/]+)\//.exec(page.url())?.[1];
  if (!id) throw new Error(`no workspace id in ${page.url()}`);
  return id;
}

/** From the members page (a Super Admin): invites `emails` with the role of that label ("Creator"). */
export async function inviteMembers(page: Page, emails: string[], roleLabel: string) {
  await page.getByTestId('invite-button').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Email addresses').fill(emails.join(', '));
  await dialog.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: roleLabel, exact: true }).click();
  await dialog
    .getByRole('button', {
      name: emails.length > 1 ? `Send ${emails.length} invitations` : 'Send invitation',
    })
    .click();
  await expect(dialog.getByTestId('invite-result')).toHaveCount(emails.length);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
}

/**
 * Signed out, in its own browser context: opens the invitation mailed to `person`, creates the
 * account from it, verifies through the mailbox and accepts; lands on the workspace's members page.
 */
export async function joinFromInvitation(page: Page, person: { name: string; email: string }) {
  const link = await mailLink(page.request, person.email, /\/invite\/[A-Za-z0-9_-]+$/);
  await page.goto(link);
  await page.getByRole('link', { name: 'Create account' }).click();
  await signUp(page, person, false);
  await verifyEmail(page, person.email);
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page).toHaveURL(/\/w\/[^/]+\/members$/);
}
