import { expect, test } from '@playwright/test';
import { createWorkspace, signUp, uniqueEmail, verifyEmail } from './helpers.ts';

test('sign up, verify, create two workspaces and switch between them', async ({
  page,
  browser,
}, testInfo) => {
  const shot = (step: string, p = page) =>
    p.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  const stamp = Date.now();
  const person = { name: 'Ada Onboarding', email: uniqueEmail('ada') };
  const alpha = `Alpha ${stamp}`;
  const beta = `Beta ${stamp}`;

  await test.step('sign up', async () => {
    await signUp(page, person);
    await shot('01-check-your-inbox');
  });

  await test.step('the dev mailbox has the verification mail', async () => {
    await page.goto('/dev/mailbox');
    await expect(page.locator(`.mail[data-to="${person.email}"]`).first()).toBeVisible();
    await shot('02-dev-mailbox');
  });

  await test.step('the link opened in another browser verifies, but signs nobody in', async () => {
    const other = await browser.newContext();
    try {
      const stranger = await other.newPage();
      const landed = await verifyEmail(stranger, person.email);
      expect(new URL(landed).pathname).toBe('/verified');
      await expect(stranger.getByText(`${person.email} is confirmed`)).toBeVisible();
      await expect(stranger.getByText('Sign in to continue')).toBeVisible();
      await shot('03-verified-signed-out', stranger);
      await stranger.getByRole('link', { name: 'Sign in' }).click();
      await expect(stranger).toHaveURL(/\/sign-in\?/);
      await expect(stranger.getByLabel('Email', { exact: true })).toHaveValue(person.email);
      await stranger.goto('/workspaces');
      await expect(stranger).toHaveURL(/\/sign-in/);

      // Signed in there as someone else, the page says so and offers to switch.
      const otto = { name: 'Otto Other', email: uniqueEmail('otto') };
      await signUp(stranger, otto);
      await verifyEmail(stranger, person.email);
      const notice = stranger.getByTestId('verified-other-account');
      await expect(notice).toContainText(`${person.email} is confirmed`);
      await expect(notice).toContainText(`signed in as another account, ${otto.email}`);
      await shot('03b-verified-other-account', stranger);
      await expect(notice.getByRole('link', { name: 'Continue with this account' })).toBeVisible();
      await notice.getByRole('button', { name: 'Sign out and switch account' }).click();
      await expect(stranger).toHaveURL(/\/sign-in\?/);
      await expect(stranger.getByLabel('Email', { exact: true })).toHaveValue(person.email);
    } finally {
      await other.close();
    }
  });

  await test.step('follow the verification link in the signed-up browser', async () => {
    const landed = await verifyEmail(page, person.email);
    expect(new URL(landed).pathname).toBe('/verified');
    await expect(page.getByText(`Thanks, ${person.name}!`)).toBeVisible();
    await expect(page.getByText(`${person.email} is confirmed`)).toBeVisible();
    await shot('04-verified');
    await page.getByRole('link', { name: 'Continue to Troupe' }).click();
    await expect(page).toHaveURL(/\/workspaces$/);
    await expect(page.getByTestId('verify-banner')).toHaveCount(0);
  });

  const alphaId = await test.step('create the first workspace', async () => {
    await page.getByRole('button', { name: 'Create workspace' }).first().click();
    const id = await createWorkspace(page, alpha);
    await expect(page.getByTestId('seat-count')).toHaveText('1 of 5 seats used');
    await shot('05-first-workspace');
    return id;
  });

  const betaId = await test.step('create the second from the switcher', async () => {
    await page.getByTestId('workspace-switcher').click();
    await page.getByRole('menuitem', { name: 'Create workspace' }).click();
    const id = await createWorkspace(page, beta);
    expect(id).not.toBe(alphaId);
    await shot('06-second-workspace');
    return id;
  });

  await test.step('switch to the first workspace', async () => {
    await page.getByTestId('workspace-switcher').click();
    const menu = page.getByRole('menu');
    await expect(menu.getByRole('menuitem', { name: alpha })).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: beta })).toBeVisible();
    await shot('07-switcher-open');
    await menu.getByRole('menuitem', { name: alpha }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${alphaId}/members$`));
    await expect(page.getByTestId('workspace-switcher')).toContainText(alpha);
    await expect(page.getByTestId('workspace-switcher')).toContainText('Super Admin');
    await shot('08-switched-to-first');
  });

  await test.step('switch back to the second, staying on the same page', async () => {
    await page.getByRole('link', { name: 'Billing' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${alphaId}/billing$`));
    await page.getByTestId('workspace-switcher').click();
    await page.getByRole('menu').getByRole('menuitem', { name: beta }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${betaId}/billing$`));
    await expect(page.getByTestId('workspace-switcher')).toContainText(beta);
    await expect(page.getByTestId('billing-seats')).toHaveText('1 of 5 seats used');
    await shot('09-switched-to-second');
  });

  await test.step('manage workspaces lists both', async () => {
    await page.getByTestId('workspace-switcher').click();
    await page.getByRole('menuitem', { name: 'Manage workspaces' }).click();
    await expect(page.getByTestId('workspace-row')).toHaveCount(2);
    await expect(page.getByTestId('workspace-row').filter({ hasText: alpha })).toBeVisible();
    await expect(page.getByTestId('workspace-row').filter({ hasText: beta })).toBeVisible();
    await shot('10-manage-workspaces');
  });
});
