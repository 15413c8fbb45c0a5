import { expect, type Page, test } from '@playwright/test';
import { createWorkspace, mailLink, signUp, uniqueEmail, verifyEmail } from './helpers.ts';

const row = (page: Page, email: string) => page.locator(`[data-testid="member-row"][data-email="${email}"]`);

test('invite two people; one signs up from the invitation, verifies and accepts', async ({
  page,
  browser,
}, testInfo) => {
  const shot = (p: Page, step: string) =>
    p.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  const admin = { name: 'Grace Admin', email: uniqueEmail('grace') };
  const first = { name: 'Katherine Invitee', email: uniqueEmail('katherine') };
  const second = uniqueEmail('dorothy');
  const workspaceName = `Invite Co ${Date.now()}`;

  const wsId = await test.step('admin signs up, verifies and creates a workspace', async () => {
    await signUp(page, admin);
    await verifyEmail(page, admin.email);
    await page.goto('/workspaces');
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    return createWorkspace(page, workspaceName);
  });

  await test.step('admin invites two addresses', async () => {
    await expect(page.getByTestId('seat-count')).toHaveText('1 of 5 seats used');
    await page.getByTestId('invite-button').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email addresses').fill(`${first.email},\n${second}`);
    await expect(dialog.getByTestId('invite-count')).toHaveText('2 addresses');
    await shot(page, '01-invite-dialog');
    await dialog.getByRole('button', { name: 'Send 2 invitations' }).click();
    await expect(dialog.getByTestId('invite-result')).toHaveCount(2);
    await expect(dialog.locator(`[data-testid="invite-result"][data-email="${first.email}"]`)).toContainText(
      'Invited',
    );
    await expect(dialog.locator(`[data-testid="invite-result"][data-email="${second}"]`)).toContainText(
      'Invited',
    );
    await shot(page, '02-invite-results');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step('both show as Invite Sent; one seat used', async () => {
    await expect(row(page, first.email).getByTestId('member-status')).toHaveText('Invite Sent');
    await expect(row(page, second).getByTestId('member-status')).toHaveText('Invite Sent');
    await expect(row(page, admin.email).getByTestId('member-status')).toHaveText('Active');
    await expect(page.getByTestId('seat-count')).toHaveText('1 of 5 seats used');
    await shot(page, '03-members-invited');
  });

  const invitee = await browser.newContext();
  try {
    const guest = await invitee.newPage();

    await test.step('the invitee opens the invitation signed out', async () => {
      const link = await mailLink(guest.request, first.email, /\/invite\/[A-Za-z0-9_-]+$/);
      await guest.goto(link);
      await expect(guest.getByTestId('invitation-workspace')).toHaveText(workspaceName);
      await expect(guest.getByTestId('invitation-email')).toHaveText(first.email);
      await expect(guest.getByTestId('invitation-card')).toContainText(admin.name);
      await expect(guest.getByTestId('invitation-card')).toContainText('Viewer');
      await shot(guest, '04-invitation-signed-out');
    });
    const invitePath = new URL(guest.url()).pathname;

    await test.step('signs up from the invitation (email pre-filled)', async () => {
      await guest.getByRole('link', { name: 'Create account' }).click();
      await expect(guest).toHaveURL(/\/sign-up\?/);
      await expect(guest.getByLabel('Email', { exact: true })).toHaveValue(first.email);
      await shot(guest, '05-sign-up-prefilled');
      await signUp(guest, first, false);
      await expect(guest.getByRole('link', { name: 'Continue to your invitation' })).toBeVisible();
      // Accepting would verify the address by itself (docs/RULES.md); this person verifies first.
      await expect(guest.getByTestId('accept-now-hint')).toBeVisible();
      await shot(guest, '06-verify-email');
    });

    await test.step('verifies through the mailbox link, which returns to the invitation', async () => {
      const landed = await verifyEmail(guest, first.email);
      expect(new URL(landed).pathname).toBe(invitePath);
      await expect(guest.getByRole('button', { name: 'Accept invitation' })).toBeVisible();
      await shot(guest, '07-ready-to-accept');
    });

    await test.step('accepts and lands in the workspace', async () => {
      await guest.getByRole('button', { name: 'Accept invitation' }).click();
      await expect(guest).toHaveURL(new RegExp(`/w/${wsId}/members$`));
      await expect(guest.getByTestId('workspace-switcher')).toContainText(workspaceName);
      await expect(guest.getByTestId('workspace-switcher')).toContainText('Viewer');
      await expect(row(guest, first.email).getByTestId('member-status')).toHaveText('Active');
      // A Viewer sees members only: no invitations, no invite button.
      await expect(row(guest, second)).toHaveCount(0);
      await expect(guest.getByTestId('invite-button')).toHaveCount(0);
      await shot(guest, '08-invitee-in-workspace');
    });
  } finally {
    await invitee.close();
  }

  await test.step('the admin sees the invitee Active and two seats used', async () => {
    await page.reload();
    await expect(row(page, first.email).getByTestId('member-status')).toHaveText('Active');
    await expect(row(page, second).getByTestId('member-status')).toHaveText('Invite Sent');
    await expect(page.getByTestId('seat-count')).toHaveText('2 of 5 seats used');
    await shot(page, '09-admin-sees-active');
  });
});
