import { AxeBuilder } from '@axe-core/playwright';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';

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

/**
 * A JSON API call in `page`'s browser context: its cookies, and the app's origin for the CSRF
 * check. Throws with the status and body on anything but 2xx.
 */
export async function api<T = unknown>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const origin = new URL(test.info().project.use.baseURL as string).origin;
  const res = await page.request.fetch(path, { method, data: body, headers: { ...headers, origin } });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return (res.status() === 204 ? null : await res.json()) as T;
}

/**
 * Setup through the API, for tests whose subject comes after it (the sign-up, verification and
 * create-workspace pages are driven by onboarding.e2e.ts, invitations.e2e.ts and join-link.e2e.ts):
 * signs `person` up in `page`'s browser context and verifies the address through the link mailed
 * to it. sharing.e2e.ts sets up its four people and their workspace this way in 2.8 s, where the
 * same through the pages took 30 s (2026-12-07, 2 cores).
 */
export async function signUpByApi(page: Page, person: { name: string; email: string }): Promise<void> {
  await api(page, 'POST', '/api/auth/sign-up/email', { ...person, password: PASSWORD });
  const res = await page.request.get(await mailLink(page.request, person.email, /\/verify-email\?/));
  expect(res.ok(), `verification link: ${res.status()}`).toBe(true);
}

/** Setup through the API: `person` signs up (verified) and makes a workspace; returns its id. */
export async function workspaceByApi(
  page: Page,
  person: { name: string; email: string },
  name: string,
): Promise<string> {
  await signUpByApi(page, person);
  return (await api<{ id: string }>(page, 'POST', '/api/workspaces', { name })).id;
}

/** Setup through the API: `person` signs up (verified) and accepts the invitation mailed to them. */
export async function joinByApi(page: Page, person: { name: string; email: string }): Promise<void> {
  const link = await mailLink(page.request, person.email, /\/invite\/[A-Za-z0-9_-]+$/);
  await signUpByApi(page, person);
  await api(page, 'POST', `/api/invitations/${new URL(link).pathname.split('/').pop()}/accept`);
}

/** axe-core's serious and critical violations on the page as it is now, one line each (none: []). */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page }).analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary ?? ''}`)
          .join(' | ')}`,
    );
}
