import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { mailLink, PASSWORD, uniqueEmail } from './helpers.ts';

/** Console errors and failed requests a page logs, other than those a test expects. */
function watch(page: Page, allowed: RegExp[] = []) {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !allowed.some((re) => re.test(msg.text()))) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}

async function noSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `page is ${scrollWidth}px wide in a ${clientWidth}px window`).toBeLessThanOrEqual(
    clientWidth,
  );
}

/** Signs in through the API of the page's own context (the cookie lands in the browser). */
async function signInContext(context: BrowserContext, baseURL: string, email: string) {
  const res = await context.request.post('/api/auth/sign-in/email', {
    data: { email, password: PASSWORD },
    headers: { origin: baseURL, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0' },
  });
  expect(res.status()).toBe(200);
}

test('the account page: name, sessions of two browsers, sign the other out, delete refused as sole admin', async ({
  browser,
  baseURL,
}, testInfo) => {
  const origin = baseURL as string;
  const email = uniqueEmail('acct');
  const main = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await main.newPage();
  const problems = watch(page);
  const shot = (name: string, p = page) =>
    p.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });

  await test.step('sign up and make a workspace (its only Super Admin)', async () => {
    const res = await main.request.post('/api/auth/sign-up/email', {
      data: { email, name: 'Ada Account', password: PASSWORD },
      headers: { origin },
    });
    expect(res.status()).toBe(200);
    const ws = await main.request.post('/api/workspaces', {
      data: { name: 'Solo Studio' },
      headers: { origin },
    });
    expect(ws.status()).toBe(201);
  });

  await test.step('open Your account from the user menu', async () => {
    await page.goto('/workspaces');
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Your account' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
    await expect(page.getByTestId('account-avatar')).toHaveText('AA');
  });

  await test.step('change the name: the initials follow', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Grace Hopper');
    await page.getByRole('button', { name: 'Save name' }).click();
    await expect(page.getByTestId('account-avatar')).toHaveText('GH');
    await page.reload();
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Grace Hopper');
  });

  const otherPage = await other.newPage();
  await test.step('a second browser signs in: two sessions, this one marked', async () => {
    await signInContext(other, origin, email);
    await otherPage.goto('/account');
    await expect(otherPage.getByRole('heading', { name: 'Your account' })).toBeVisible();
    await page.reload();
    const rows = page.getByTestId('session-row');
    await expect(rows).toHaveCount(2);
    await expect(page.locator('[data-testid="session-row"][data-current="true"]')).toContainText(
      'This device',
    );
    await expect(page.locator('[data-testid="session-row"][data-current="false"]')).toContainText(
      'Firefox on Linux',
    );
    await shot('01-account-two-sessions');
  });

  await test.step('delete is disabled as the only Super Admin, with the reason, before any confirm', async () => {
    await expect(page.getByTestId('delete-blocked')).toContainText(
      'You are the only Super Admin of “Solo Studio”',
    );
    await expect(page.getByRole('button', { name: 'Delete my account' })).toBeDisabled();
  });

  await test.step('no sideways scroll at 1280x800 and at 390x844', async () => {
    await noSidewaysScroll(page);
    await noSidewaysScroll(otherPage);
    await shot('02-account-phone', otherPage);
    await page.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(page);
    await shot('03-account-phone-main');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await test.step('sign the other browser out: its next request is signed out', async () => {
    const otherRow = page.locator('[data-testid="session-row"][data-current="false"]');
    await otherRow.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    const me = await other.request.get('/api/me');
    expect(me.status()).toBe(401);
    await otherPage.reload();
    await expect(otherPage).toHaveURL(/\/sign-in/);
  });

  await test.step('no console errors', async () => {
    expect(problems).toEqual([]);
  });

  await main.close();
  await other.close();
});

test('an invitee who signed up unverified accepts the emailed invitation and is verified by it', async ({
  browser,
  baseURL,
}, testInfo) => {
  const origin = baseURL as string;
  const admin = await browser.newContext();
  const guest = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const email = uniqueEmail('invitee');
  try {
    const signUpAs = (ctx: BrowserContext, who: string, name: string) =>
      ctx.request.post('/api/auth/sign-up/email', {
        data: { email: who, name, password: PASSWORD },
        headers: { origin },
      });
    expect((await signUpAs(admin, uniqueEmail('host'), 'Host Admin')).status()).toBe(200);
    const ws = await admin.request.post('/api/workspaces', {
      data: { name: 'Host Studio' },
      headers: { origin },
    });
    const wsId = (await ws.json()).id as string;
    const invited = await admin.request.post(`/api/workspaces/${wsId}/invitations`, {
      data: { emails: [email], role: 'creator' },
      headers: { origin },
    });
    expect(invited.status()).toBe(201);
    expect((await signUpAs(guest, email, 'Ivy Invitee')).status()).toBe(200);

    const page = await guest.newPage();
    // The accept page re-reads the (now used) invitation after accepting: a 410 the issue lists
    // under "loose ends" (issue 11, item 7), not this test's subject.
    const problems = watch(page, [/status of 410/]);
    const link = await mailLink(page.request, email, /\/invite\/[A-Za-z0-9_-]+$/);
    await page.goto(link);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${wsId}/members$`));
    const me = await (await guest.request.get('/api/me')).json();
    expect(me.emailVerified).toBe(true);
    await noSidewaysScroll(page);
    await page.screenshot({ path: testInfo.outputPath('invitee-in-workspace.png'), fullPage: true });
    expect(problems).toEqual([]);
  } finally {
    await admin.close();
    await guest.close();
  }
});
