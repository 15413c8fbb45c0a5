/**
 * Every page of the web app at a laptop's and a phone's size (issue 11): no sideways scrolling, no
 * console error or failed request that the page does not expect, no serious or critical axe-core
 * accessibility violation; a full-page screenshot of each under test-results/.
 *
 * To add a page, add a line to `routes` (a path built from the world, and what it may fail with).
 * The world is one workspace made once, with the long texts that used to widen pages: a 200-character
 * item title, a 100-character name, a 90-character email address (invited, and a member the folder
 * is shared with). In an open dialog or menu every control lies inside the window: a list that
 * clipped its rows once hid the share dialog's access menus off a phone's screen without any
 * sideways scrolling of the page.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import {
  api,
  joinByApi,
  mailLink,
  PASSWORD,
  seriousAxeViolations,
  uniqueEmail,
  workspaceByApi,
} from './helpers.ts';

const WEBM = fileURLToPath(new URL('../fixtures/tiny.webm', import.meta.url));

interface World {
  wsId: string;
  /** The invited 90-character address. */
  invited: string;
  /** A member with a 90-character address, who can edit the folder. */
  member: { email: string };
  folderId: string;
  draftId: string;
  videoId: string;
  inviteToken: string;
  joinToken: string;
  admin: { name: string; email: string };
  storageState: string;
}

interface Route {
  name: string;
  path: (w: World) => string;
  /** Signed out (a fresh browser) instead of as the workspace's Super Admin. */
  signedOut?: boolean;
  /** Requests this page is expected to fail (status >= 400), by URL pattern. */
  allowFailed?: RegExp[];
  /** What to wait for before checking: a visible text or test id. */
  ready: { text?: string | RegExp; testId?: string; role?: [Parameters<Page['getByRole']>[0], string] };
  /** Skip axe-core: a page whose markup is a third party's (Swagger UI), checked for the rest. */
  noAxe?: true;
  /** Something to open first (a dialog, the notifications panel), so it is checked too. */
  open?: (page: Page) => Promise<void>;
}

const long = (word: string, n: number) => word.repeat(Math.ceil(n / word.length)).slice(0, n);
const TITLE_200 = `${long('Quarterly-campaign-storyboard-', 120)} ${long('final cut ', 79)}`.slice(0, 200);
const NAME_100 = long('Maximiliana-Bartholomew-', 100);

/** The pages. */
const routes: Route[] = [
  { name: 'sign-in', path: () => '/sign-in', signedOut: true, ready: { role: ['heading', 'Welcome back'] } },
  { name: 'sign-up', path: () => '/sign-up', signedOut: true, ready: { role: ['button', 'Create account'] } },
  { name: 'forgot-password', path: () => '/forgot-password', signedOut: true, ready: { text: /reset/i } },
  {
    name: 'reset-password',
    path: () => '/reset-password?token=a-token-from-the-mail',
    signedOut: true,
    ready: { role: ['heading', 'Choose a new password'] },
  },
  {
    name: 'reset-password-expired',
    path: () => '/reset-password',
    signedOut: true,
    ready: { role: ['heading', 'This link has expired'] },
  },
  {
    name: 'verify-email',
    path: () => '/verify-email?email=someone%40example.com',
    signedOut: true,
    ready: { role: ['heading', 'Verify your email'] },
  },
  { name: 'verified', path: () => '/verified', ready: { role: ['heading', 'Email verified'] } },
  {
    name: 'verified-expired',
    path: () => '/verified?error=INVALID_TOKEN',
    signedOut: true,
    ready: { role: ['heading', 'This link has expired'] },
  },
  {
    name: 'invitation',
    path: (w) => `/invite/${w.inviteToken}`,
    signedOut: true,
    ready: { testId: 'invitation-card' },
  },
  { name: 'join-link', path: (w) => `/join/${w.joinToken}`, signedOut: true, ready: { text: /join/i } },
  {
    name: 'not-found',
    path: () => '/no-such-page',
    signedOut: true,
    ready: { text: /not found|doesn.t exist/i },
  },
  { name: 'workspaces', path: () => '/workspaces', ready: { role: ['heading', 'Manage workspaces'] } },
  { name: 'members', path: (w) => `/w/${w.wsId}/members`, ready: { testId: 'member-row' } },
  {
    name: 'invite-dialog',
    path: (w) => `/w/${w.wsId}/members`,
    ready: { testId: 'member-row' },
    open: async (page) => {
      await page.getByTestId('invite-button').click();
      await page.getByLabel('Email addresses').fill('a@example.com, b@example.com');
      await expect(page.getByTestId('invite-free-seats')).toBeVisible();
    },
  },
  { name: 'library', path: (w) => `/w/${w.wsId}/library`, ready: { testId: 'library-item' } },
  {
    name: 'folder',
    path: (w) => `/w/${w.wsId}/library/folders/${w.folderId}`,
    ready: { testId: 'library-item' },
  },
  {
    // The folder, shared with a member with a 90-character address: "People added" has a row.
    name: 'share-dialog',
    path: (w) => `/w/${w.wsId}/library/folders/${w.folderId}`,
    ready: { testId: 'library-item' },
    open: async (page) => {
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      await expect(page.getByTestId('share-dialog').getByLabel('Add people')).toBeVisible();
      await expect(page.getByTestId('share-dialog').getByLabel(/^Access for /)).toBeVisible();
    },
  },
  {
    // The folder with the 200-character title is one of the places to move the video to.
    name: 'move-dialog',
    path: (w) => `/w/${w.wsId}/library`,
    ready: { testId: 'library-item' },
    open: async (page) => {
      await page
        .locator('[data-testid="library-item"][data-title="Launch film"]')
        .getByTestId('item-menu')
        .click();
      await page.getByRole('menuitem', { name: 'Move' }).click();
      await expect(page.getByRole('dialog').getByTestId('move-folder').first()).toBeVisible();
    },
  },
  {
    name: 'workspace-switcher',
    path: (w) => `/w/${w.wsId}/library`,
    ready: { testId: 'library-item' },
    open: async (page) => {
      await page.getByTestId('workspace-switcher').click();
      await expect(page.getByRole('menuitem').first()).toBeVisible();
    },
  },
  {
    // What happened to each address, one of them 90 characters long, and what to do next.
    name: 'invite-results',
    path: (w) => `/w/${w.wsId}/members`,
    ready: { testId: 'member-row' },
    open: async (page) => {
      const w = world;
      await page.getByTestId('invite-button').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Email addresses').fill(`${w.invited}, ${w.member.email}, ${w.admin.email}`);
      await dialog.getByRole('button', { name: /^Send/ }).click();
      await expect(dialog.getByTestId('invite-summary')).toHaveText(
        'No new invitations were needed. 2 are already members. 1 already has an invitation: resend it from the members list.',
      );
      await expect(dialog.getByText('Already invited')).toBeInViewport({ ratio: 1 });
    },
  },
  { name: 'draft', path: (w) => `/w/${w.wsId}/library/items/${w.draftId}`, ready: { text: 'Draft' } },
  {
    name: 'share-page-editor',
    path: (w) => `/w/${w.wsId}/library/items/${w.videoId}`,
    ready: { testId: 'video-facts' },
  },
  {
    name: 'notifications',
    path: (w) => `/w/${w.wsId}/notifications`,
    ready: { role: ['heading', 'Notifications'] },
  },
  {
    name: 'notifications-panel',
    path: (w) => `/w/${w.wsId}/members`,
    ready: { testId: 'member-row' },
    open: async (page) => {
      await page.getByRole('button', { name: /notifications/i }).click();
      await expect(page.getByRole('dialog').or(page.getByRole('menu')).first()).toBeVisible();
    },
  },
  { name: 'api-keys', path: (w) => `/w/${w.wsId}/api-keys`, ready: { role: ['heading', 'API keys'] } },
  {
    name: 'api-key-created',
    path: (w) => `/w/${w.wsId}/api-keys`,
    ready: { role: ['heading', 'API keys'] },
    open: async (page) => {
      await page.getByRole('button', { name: 'Create key' }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Pages check');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await expect(dialog.getByTestId('created-key')).toBeVisible();
    },
  },
  { name: 'billing', path: (w) => `/w/${w.wsId}/billing`, ready: { testId: 'billing-seats' } },
  { name: 'audit', path: (w) => `/w/${w.wsId}/audit`, ready: { role: ['heading', 'Audit log'] } },
  { name: 'settings', path: (w) => `/w/${w.wsId}/settings`, ready: { role: ['heading', 'Settings'] } },
  { name: 'trash', path: (w) => `/w/${w.wsId}/trash`, ready: { testId: 'trash-item' } },
  { name: 'account', path: () => '/account', ready: { testId: 'session-row' } },
  {
    name: 'workspace-not-found',
    path: () => '/w/no-such-workspace/members',
    allowFailed: [/\/api\/workspaces\/no-such-workspace$/],
    ready: { text: 'Workspace not found' },
  },
  {
    name: 'api-docs',
    path: () => '/api/docs',
    signedOut: true,
    noAxe: true,
    ready: { text: 'Troupe API' },
  },
];

const viewports = [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 390, height: 844 },
] as const;

/** One workspace with long texts in every place that used to overflow. */
async function makeWorld(browser: Browser, outDir: string, worker: number): Promise<World> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const admin = { name: NAME_100, email: uniqueEmail('pages-admin') };
  const wsId = await workspaceByApi(page, admin, `Pages ${long('Workspace', 60)} ${Date.now()}`);

  const folder = await api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, {
    kind: 'folder',
    title: TITLE_200,
  });
  const draft = await api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, {
    kind: 'draft',
    title: TITLE_200,
    parentId: folder.id,
  });
  const video = await api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, {
    kind: 'video',
    title: 'Launch film',
  });
  await api(page, 'PUT', `/api/items/${video.id}/file?filename=tiny.webm`, readFileSync(WEBM), {
    'content-type': 'video/webm',
  });
  // A 200-character title in the trash.
  const trashed = await api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, {
    kind: 'draft',
    title: TITLE_200,
  });
  await api(page, 'DELETE', `/api/items/${trashed.id}`);
  // A 90-character address, invited (its row and its email's link).
  const invited = `${long('invited.person.with.a.long.address', 60)}-${Date.now()}@example.com`;
  await api(page, 'POST', `/api/workspaces/${wsId}/invitations`, { emails: invited, role: 'creator' });
  const inviteLink = await mailLink(page.request, invited, /\/invite\/[A-Za-z0-9_-]+$/);
  // A member with a 90-character address, sharing the folder (the share dialog's "People added").
  const member = {
    name: 'Long Address',
    email: `${long('member.with.a.long.address', 60)}-${Date.now()}@example.com`,
  };
  await api(page, 'POST', `/api/workspaces/${wsId}/invitations`, { emails: member.email, role: 'creator' });
  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await joinByApi(memberPage, member);
  const memberId = (await api<{ id: string }>(memberPage, 'GET', '/api/me')).id;
  await memberContext.close();
  await api(page, 'PUT', `/api/items/${folder.id}/grants/${memberId}`, { permission: 'edit' });
  const link = await api<{ url: string }>(page, 'GET', `/api/workspaces/${wsId}/invite-link`);
  await api(page, 'POST', `/api/workspaces/${wsId}/api-keys`, { name: long('Deploy key ', 60).trim() });

  const storageState = `${outDir}/admin-state-${worker}.json`;
  await context.storageState({ path: storageState });
  await context.close();
  return {
    wsId,
    invited,
    member: { email: member.email },
    folderId: folder.id,
    draftId: draft.id,
    videoId: video.id,
    inviteToken: new URL(inviteLink).pathname.split('/').pop() ?? '',
    joinToken: new URL(link.url).pathname.split('/').pop() ?? '',
    admin,
    storageState,
  };
}

let world: World;

/**
 * The controls of open dialogs and menus that lie (partly) outside the window, each as its label:
 * a row wider than its list pushes them off a phone's screen without scrolling the page sideways.
 */
function controlsOutsideTheWindow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = 'button, a[href], input:not([type="hidden"]), select, textarea, [role="menuitem"]';
    const out: string[] = [];
    for (const box of document.querySelectorAll('[role="dialog"], [role="menu"]')) {
      for (const el of box.querySelectorAll<HTMLElement>(selector)) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.left < -1 || r.right > window.innerWidth + 1) {
          const label = el.getAttribute('aria-label') ?? el.textContent ?? el.tagName;
          out.push(`${label.trim().slice(0, 60)} (${Math.round(r.left)}-${Math.round(r.right)})`);
        }
      }
    }
    return out;
  });
}

// Each page test saves its own full-page screenshot (named after the page and the size).
test.use({ screenshot: 'off' });

// The page tests only read, so both workers take them (this file is two thirds of the browser
// tests' count; run in one worker, it ran alone for its last 2.5 min while the other sat idle).
test.describe.configure({ mode: 'parallel' });

// Made once a worker (both may make one at the start; each keeps its own), and saved: a worker
// that restarts after a failed test reads it back. Written whole, then renamed, so a worker
// never reads half a file.
test.beforeAll(async ({ browser }, testInfo) => {
  test.setTimeout(60_000);
  const file = `${testInfo.project.outputDir}/pages-world.json`;
  if (existsSync(file)) {
    world = JSON.parse(readFileSync(file, 'utf8')) as World;
    return;
  }
  world = await makeWorld(browser, testInfo.project.outputDir, testInfo.workerIndex);
  writeFileSync(`${file}.${testInfo.workerIndex}`, JSON.stringify(world));
  renameSync(`${file}.${testInfo.workerIndex}`, file);
});

/**
 * One browser context for each size, signed in or out, that the page tests open their pages in:
 * the app's scripts are compiled once a context instead of once a page (the tests only read; each
 * has a page of its own, and the server's state was shared before too: one signed-in person). This
 * file took 3.4 min with a context for every test, 3.0 min this way (2026-12-07, 2 cores).
 */
const contexts = new Map<string, Promise<BrowserContext>>();
function contextFor(browser: Browser, viewport: (typeof viewports)[number], signedOut: boolean) {
  const key = `${viewport.label} ${signedOut ? 'out' : 'in'}`;
  let context = contexts.get(key);
  if (!context) {
    context = browser.newContext({
      viewport: { width: viewport.width, height: viewport.height },
      storageState: signedOut ? undefined : world.storageState,
    });
    contexts.set(key, context);
  }
  return context;
}

test.afterAll(async () => {
  for (const context of contexts.values()) await (await context).close();
  contexts.clear();
});

for (const viewport of viewports) {
  for (const route of routes) {
    test(`${route.name} at ${viewport.width}x${viewport.height}`, async ({ browser }, testInfo) => {
      const page = await (await contextFor(browser, viewport, route.signedOut === true)).newPage();
      const problems: string[] = [];
      const allowed = (url: string) => (route.allowFailed ?? []).some((p) => p.test(url));
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        // The browser's own line for a failed request: judged by the response handler below.
        if (/^Failed to load resource/.test(msg.text()) && allowed(msg.location().url)) return;
        problems.push(`console: ${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('requestfailed', (req) => {
        // Media elements cancel their range requests when they have what they need.
        if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
        problems.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText}`);
      });
      page.on('response', (res) => {
        if (res.status() >= 400 && !allowed(res.url())) {
          problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
        }
      });
      try {
        await page.goto(route.path(world));
        const { text, testId, role } = route.ready;
        if (text) await expect(page.getByText(text).first()).toBeVisible();
        if (testId) await expect(page.getByTestId(testId).first()).toBeVisible();
        if (role) await expect(page.getByRole(role[0], { name: role[1] }).first()).toBeVisible();
        if (route.open) await route.open(page);
        // Fonts load and the app shell's navbar transition (200 ms) ends. Not "networkidle": the
        // signed-in app keeps its notifications stream open.
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        await page.waitForTimeout(250);

        await expect
          .poll(
            () =>
              page.evaluate(
                () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
              ),
            { message: 'no sideways scrolling', timeout: 3000 },
          )
          .toBeLessThanOrEqual(0);
        expect(
          await controlsOutsideTheWindow(page),
          'controls of an open dialog or menu outside the window',
        ).toEqual([]);

        const bad = route.noAxe ? [] : await seriousAxeViolations(page);
        expect(
          [...bad, ...problems],
          'axe-core serious/critical violations, console errors, failed requests',
        ).toEqual([]);
      } finally {
        await page.screenshot({
          path: testInfo.outputPath(`${route.name}-${viewport.label}.png`),
          fullPage: true,
        });
        await page.close();
      }
    });
  }
}

test('a dialog gives focus back to what opened it: a button, or the menu button of a menu item', async ({
  browser,
}) => {
  const context = await browser.newContext({ storageState: world.storageState });
  try {
    const page = await context.newPage();
    await page.goto(`/w/${world.wsId}/library`);
    // Opened with the keyboard from an item's menu, closed with Escape (nothing changes).
    const menuButton = page
      .locator('[data-testid="library-item"][data-title="Launch film"]')
      .getByTestId('item-menu');
    for (const action of ['Rename', 'Share', 'Move', 'Delete']) {
      await menuButton.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('menuitem', { name: action }).press('Enter');
      await expect(page.getByRole('dialog')).toBeVisible();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();
      await expect(menuButton, `back from ${action}`).toBeFocused();
    }
    // New > Folder, from the New menu.
    const newButton = page.getByTestId('new-item-button');
    await newButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Folder' }).press('Enter');
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(newButton).toBeFocused();
    // The item page's own Share button.
    await page.goto(`/w/${world.wsId}/library/items/${world.videoId}`);
    const share = page.getByRole('button', { name: 'Share', exact: true });
    await share.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(share).toBeFocused();
  } finally {
    await context.close();
  }
});

test('sign in with an empty email says "Enter your email"', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Enter your email')).toBeVisible();
  await expect(page.getByText('Not a valid email address')).toHaveCount(0);
});

/**
 * Prevention over failure: what would be refused is disabled with the reason in view before any
 * confirm; the invite dialog warns before inviting more people than there are free seats; a stale
 * row's action refreshes the list and says so.
 */
test('prevention: last Super Admin, seats, Viewer edit, stale rows', async ({ browser }, testInfo) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const shot = (step: string) =>
    page.screenshot({ path: testInfo.outputPath(`prevention-${step}.png`), fullPage: true });
  const guestContext = await browser.newContext();
  try {
    const admin = { name: 'Prue Vention', email: uniqueEmail('prue') };
    const viewer = { name: 'Vic Viewer', email: uniqueEmail('vic') };
    const wsId = await workspaceByApi(page, admin, `Prevent ${Date.now()}`);
    await page.goto(`/w/${wsId}/members`);
    const row = (email: string) => page.locator(`[data-testid="member-row"][data-email="${email}"]`);

    await test.step('the only Super Admin: role and Leave disabled, with the reason', async () => {
      const reason = 'The only Super Admin: make someone else Super Admin first.';
      await expect(row(admin.email).getByLabel(`Role of ${admin.email}`)).toBeDisabled();
      await expect(row(admin.email).getByTestId('last-admin-reason')).toHaveText(reason);
      await row(admin.email).getByTestId('member-menu').click();
      const leave = page.getByRole('menuitem', { name: /Leave workspace/ });
      await expect(leave).toBeDisabled();
      await expect(leave).toContainText(reason);
      await shot('01-last-admin');
      await page.keyboard.press('Escape');
    });

    await test.step('a Viewer joins; seats set to 2 (both used)', async () => {
      await api(page, 'POST', `/api/workspaces/${wsId}/invitations`, {
        emails: viewer.email,
        role: 'viewer',
      });
      await joinByApi(await guestContext.newPage(), viewer);
      await api(page, 'POST', `/api/workspaces/${wsId}/billing/seats`, { seats: 2 });
    });

    await test.step('billing refuses 2.5, huge numbers and going below the seats in use, in words', async () => {
      await page.goto(`/w/${wsId}/billing`);
      const input = page.getByLabel('Total seats');
      const submit = page.getByTestId('seats-submit');
      await input.fill('2.5');
      await expect(
        page.getByText('Seats come in whole numbers: enter one without a decimal point'),
      ).toBeVisible();
      await expect(submit).toBeDisabled();
      await input.fill('99999999999');
      await expect(page.getByText('At most 100,000 seats: contact us for more')).toBeVisible();
      await expect(submit).toBeDisabled();
      await input.fill('1');
      await expect(submit).toHaveText('Remove 1 seat');
      await expect(submit).toBeDisabled();
      await expect(
        page.getByText('2 seats are in use: keep at least 2, or remove members first'),
      ).toBeVisible();
      await shot('02-billing');
      await input.fill('3');
      await expect(submit).toBeEnabled();
      await submit.click();
      await expect(page.getByTestId('billing-seats')).toHaveText('2 of 3 seats used');
    });

    await test.step('the invite dialog warns: 1 free seat, 3 people', async () => {
      await page.goto(`/w/${wsId}/members`);
      await page.getByTestId('invite-button').click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByTestId('invite-free-seats')).toHaveText('1 free seat (2 of 3 used)');
      await dialog
        .getByLabel('Email addresses')
        .fill([uniqueEmail('a'), uniqueEmail('b'), uniqueEmail('c')].join(', '));
      await expect(dialog.getByTestId('invite-seat-warning')).toHaveText(
        "1 free seat: 2 people can't join until you add seats — Add seats",
      );
      await expect(
        dialog.getByTestId('invite-seat-warning').getByRole('link', { name: 'Add seats' }),
      ).toHaveAttribute('href', `/w/${wsId}/billing`);
      await shot('03-seat-warning');
      await dialog.getByRole('button', { name: 'Send 3 invitations' }).click();
      await expect(dialog.getByTestId('invite-title')).toHaveText('Invitations sent');
      await dialog.getByRole('button', { name: 'Done' }).click();
    });

    await test.step('a Viewer cannot be given Can edit in the share dialog', async () => {
      const item = await api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, {
        kind: 'draft',
        title: 'Plan',
      });
      await page.goto(`/w/${wsId}/library/items/${item.id}`);
      await page.getByRole('button', { name: 'Share', exact: true }).click();
      const dialog = page.getByTestId('share-dialog');
      await dialog.getByLabel('Add people').fill('Vic');
      await page.getByRole('option', { name: viewer.email }).click();
      await expect(dialog.getByTestId('add-people-viewer-reason')).toContainText('Viewers can only view');
      // Leave the people search (its list closes on blur; it covers the permission menu).
      await dialog.getByLabel('Add people').press('Tab');
      await dialog.getByLabel('Permission for the people you add').click();
      await expect(page.getByRole('option', { name: 'Can edit' })).toHaveAttribute('aria-disabled', 'true');
      await shot('04-viewer-edit');
      await page.keyboard.press('Escape');
    });

    await test.step('revoking an invitation accepted or revoked elsewhere refreshes the list and says so', async () => {
      await page.goto(`/w/${wsId}/members`);
      const stale = page.locator('[data-testid="member-row"][data-status="invite_sent"]').first();
      const email = await stale.getAttribute('data-email');
      const list = await api<{ members: { email: string; invitationId?: string }[] }>(
        page,
        'GET',
        `/api/workspaces/${wsId}/members`,
      );
      const id = list.members.find((m) => m.email === email)?.invitationId;
      await api(page, 'DELETE', `/api/workspaces/${wsId}/invitations/${id}`);
      await row(email ?? '')
        .getByTestId('member-menu')
        .click();
      await page.getByRole('menuitem', { name: 'Revoke invitation' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await expect(page.getByText('The list was out of date')).toBeVisible();
      await expect(row(email ?? '')).toHaveCount(0);
      await shot('05-stale-row');
    });
  } finally {
    await guestContext.close();
    await context.close();
  }
});

test('emails render at 600px: a long link and long names wrap', async ({ page }) => {
  const { invitationMail, verificationMail } = await import('../../src/app/mail/templates.ts');
  const url = `http://127.0.0.1/invite/${long('AbCdEf0123456789', 220)}`;
  const mails = [
    invitationMail(`${long('a', 60)}@example.com`, NAME_100, long('Workspace', 100), 'Creator', url),
    verificationMail(`${long('b', 60)}@example.com`, NAME_100, url),
  ];
  await page.setViewportSize({ width: 600, height: 800 });
  for (const [i, mail] of mails.entries()) {
    await page.setContent(mail.html);
    await expect(page.getByText(url)).toBeVisible();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: test.info().outputPath(`email-${i}.png`), fullPage: true });
  }
});
