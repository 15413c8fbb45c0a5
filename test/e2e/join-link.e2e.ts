import { type ConsoleMessage, expect, type Page, test } from '@playwright/test';
import { api, signUp, signUpByApi, uniqueEmail, verifyEmail, workspaceByApi } from './helpers.ts';

const row = (page: Page, email: string) => page.locator(`[data-testid="member-row"][data-email="${email}"]`);

/**
 * Collects the page's console errors (the test fails on any), but for Chromium's line about a 401:
 * signed-out pages ask /api/me whether anyone is signed in, and "nobody" is a 401 by design.
 */
function watchConsole(page: Page, errors: string[]) {
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error') return;
    if (/Failed to load resource: .* status of 401/.test(m.text())) return;
    errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

/** At 390px nothing may scroll sideways. */
async function fitsPhone(page: Page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  // The layout settles after a resize (media queries switch a dialog to full screen, with its
  // transition): measure until it fits, for up to 3 s, then report what still reaches past.
  const measure = () =>
    page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      // The outermost elements that reach past the right edge, to name in a failure.
      culprits: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(
          (el) =>
            !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1),
        )
        .slice(0, 5)
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} ${el.getAttribute('data-testid') ?? ''}`,
        ),
    }));
  let { overflow, culprits } = await measure();
  for (let i = 0; i < 20 && overflow > 0; i++) {
    await page.waitForTimeout(150);
    ({ overflow, culprits } = await measure());
  }
  expect(overflow, `${page.url()} scrolls sideways at 390px: ${culprits.join(' | ')}`).toBeLessThanOrEqual(0);
  if (size) await page.setViewportSize(size);
}

test('invite link with approval: a newcomer signs up through it, the bell rings live, the admin approves from the panel', async ({
  page,
  browser,
}, testInfo) => {
  const shot = (p: Page, step: string) =>
    p.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  const errors: string[] = [];
  watchConsole(page, errors);
  await page.setViewportSize({ width: 1280, height: 800 });
  const admin = { name: 'Grace Admin', email: uniqueEmail('grace') };
  const joiner = { name: 'Jo Newcomer', email: uniqueEmail('jo') };
  const workspaceName = `Link Co ${Date.now()}`;

  // Set up through the API (onboarding.e2e.ts drives the sign-up and create-workspace pages).
  const wsId = await test.step('set up: the admin and a workspace', () =>
    workspaceByApi(page, admin, workspaceName));

  await test.step('admin turns approval on for link joins', async () => {
    await page.goto(`/w/${wsId}/settings`);
    await page.getByLabel('Require approval for link joins').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('All changes saved.')).toBeVisible();
  });

  const link = await test.step('admin copies the invite link from the invite dialog', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`/w/${wsId}/members`);
    await expect(page.getByTestId('seat-count')).toBeVisible();
    await fitsPhone(page);
    await page.getByTestId('invite-button').click();
    const dialog = page.getByRole('dialog');
    const section = dialog.getByTestId('invite-link-section');
    await expect(section.getByTestId('invite-link-url')).toContainText('/join/');
    await expect(section).toContainText('a Super Admin approves them');
    await shot(page, '01-invite-link');
    await fitsPhone(page);
    await section.getByRole('button', { name: 'Copy link' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe((await section.getByTestId('invite-link-url').textContent())?.trim());
    expect(copied).toMatch(/\/join\/[0-9a-f]+[A-Za-z0-9_-]{43}$/);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('notification-count')).toHaveAttribute('data-count', '0');
    await expect(page.getByTestId('seat-count')).toHaveText('1 of 5 seats used');
    return copied;
  });

  const other = await browser.newContext();
  try {
    const guest = await other.newPage();
    watchConsole(guest, errors);
    await guest.setViewportSize({ width: 390, height: 844 });

    await test.step('the newcomer opens the link signed out: workspace and role', async () => {
      await guest.goto(link);
      await expect(guest.getByTestId('join-workspace')).toHaveText(workspaceName);
      await expect(guest.getByTestId('join-card')).toContainText('Viewer');
      await expect(guest.getByTestId('join-card')).toContainText('approves each person');
      await fitsPhone(guest);
      await shot(guest, '02-join-signed-out');
    });

    await test.step('signs up from it, verifies, and is back on the link', async () => {
      await guest.getByRole('link', { name: 'Create account' }).click();
      await signUp(guest, joiner, false);
      await expect(guest.getByRole('link', { name: 'Continue to join' })).toBeVisible();
      const landed = await verifyEmail(guest, joiner.email);
      expect(new URL(landed).pathname).toBe(new URL(link).pathname);
      await expect(guest.getByRole('button', { name: 'Ask to join' })).toBeVisible();
      await shot(guest, '03-ready-to-ask');
    });

    await test.step('asks to join', async () => {
      await guest.getByRole('button', { name: 'Ask to join' }).click();
      await expect(guest.getByTestId('join-result')).toContainText('Request sent');
      await fitsPhone(guest);
      await shot(guest, '04-request-sent');
    });

    await test.step('the workspaces page and the link, opened again, say the request is waiting', async () => {
      // Straight on from the link, in the same page (no reload).
      await guest.getByRole('link', { name: 'Go to Troupe' }).click();
      await expect(guest.getByTestId('pending-join-requests')).toContainText(workspaceName);
      await fitsPhone(guest);
      await guest.goto(link);
      await expect(guest.getByTestId('join-result')).toContainText('You asked on');
      await expect(guest.getByRole('button', { name: 'Ask to join' })).toHaveCount(0);
    });

    await test.step("the admin's bell count rises without a reload; the request shows as Requested", async () => {
      await expect(page.getByTestId('notification-count')).toHaveAttribute('data-count', '1');
      await expect(row(page, joiner.email).getByTestId('member-status')).toHaveText('Requested');
      await shot(page, '05-bell-rang');
    });

    await test.step('the admin approves from the panel', async () => {
      await page.getByTestId('notification-bell').click();
      const panel = page.getByTestId('notification-panel');
      const note = panel.locator('[data-testid="notification"][data-kind="join_request"]');
      await expect(note).toContainText(joiner.name);
      await shot(page, '06-panel');
      await note.getByRole('button', { name: 'Approve' }).click();
      await expect(note).toContainText('Approved');
      await page.keyboard.press('Escape');
    });

    await test.step('the member shows Active and the seat count rises', async () => {
      await expect(row(page, joiner.email).getByTestId('member-status')).toHaveText('Active');
      await expect(page.getByTestId('seat-count')).toHaveText('2 of 5 seats used');
      await expect(page.getByTestId('notification-count')).toHaveAttribute('data-count', '0');
      await shot(page, '07-active');
      await fitsPhone(page);
    });

    await test.step('the newcomer is told, live, and can open the workspace', async () => {
      await guest.goto('/');
      await expect(guest.getByTestId('notification-count')).toHaveAttribute('data-count', '1');
      await guest.getByTestId('notification-bell').click();
      await expect(guest.getByTestId('notification-panel')).toContainText('was approved');
      await shot(guest, '08-newcomer-told');
    });
  } finally {
    await other.close();
  }
  expect(errors).toEqual([]);
});

test('a join request that lapses while the members page is open: Approve and Deny turn disabled, saying why', async ({
  page,
  browser,
}) => {
  const admin = { name: 'Lena Admin', email: uniqueEmail('lena') };
  const asker = { name: 'Otto Asker', email: uniqueEmail('otto') };
  const wsId = await workspaceByApi(page, admin, `Lapse Co ${Date.now()}`);
  await api(page, 'PATCH', `/api/workspaces/${wsId}`, { requireApproval: true });
  const link = await api<{ token: string }>(page, 'GET', `/api/workspaces/${wsId}/invite-link`);
  const context = await browser.newContext();
  try {
    const askerPage = await context.newPage();
    await signUpByApi(askerPage, asker);
    const joined = await api<{ status: string }>(askerPage, 'POST', `/api/join/${link.token}`);
    expect(joined.status).toBe('requested');

    // The page's clock, so that 14 days can pass while it is open (the server's is the real one).
    await page.clock.install();
    await page.goto(`/w/${wsId}/members`);
    const row = page.locator(`[data-testid="member-row"][data-email="${asker.email}"]`);
    const actions = row.getByTestId('join-request-actions').first();
    await expect(actions.getByRole('button', { name: 'Approve' })).toBeEnabled();
    await page.clock.fastForward(15 * 24 * 60 * 60 * 1000);
    await expect(actions.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await expect(actions.getByRole('button', { name: 'Deny' })).toBeDisabled();
    await expect(actions.getByTestId('join-request-lapsed')).toContainText(
      'they can ask again with the invite link',
    );
  } finally {
    await context.close();
  }
});
