import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { MAX_CAPTION_TRACKS } from '../../src/contract/captions.ts';
import { api, seriousAxeViolations, uniqueEmail, workspaceByApi } from './helpers.ts';

const WEBM = fileURLToPath(new URL('../fixtures/tiny.webm', import.meta.url));
const VTT =
  'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello there\n\n00:00:01.000 --> 00:00:02.000\nGoodbye\n';

/** Fails the test on any console error or uncaught exception in `page`. */
function watchErrors(page: Page, errors: string[]) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
}

/** Once the layout has settled after a resize (the app shell animates its navbar away). */
async function noSidewaysScroll(page: Page) {
  await expect
    .poll(() =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    )
    .toBeLessThanOrEqual(0);
}

test('a video is uploaded, captioned, locked, published, watched by a stranger and embedded elsewhere', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const shot = (p: Page, step: string) =>
    p.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  // Console errors of the owner's page, watched from the first page it opens.
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const stops: (() => Promise<void>)[] = [];
  const owner = { name: 'Vida Video', email: uniqueEmail('vida') };
  try {
    await test.step('set up (the API): signed up with a workspace; a video item (the library)', async () => {
      const wsId = await workspaceByApi(page, owner, `Films ${Date.now()}`);
      watchErrors(page, errors);
      await page.goto(`/w/${wsId}/library`);
      await page.getByTestId('new-item-button').click();
      await page.getByRole('menuitem', { name: 'Video' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Title').fill('Launch film');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expect(dialog).toBeHidden();
      await page.getByRole('link', { name: 'Launch film' }).first().click();
      await expect(page.getByRole('heading', { name: 'Launch film' })).toBeVisible();
      await expect(page.getByText('No video yet')).toBeVisible();
    });

    await test.step('upload with a progress bar (a slow uplink), cancel once, then upload', async () => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 50,
        downloadThroughput: -1,
        uploadThroughput: 4 * 1024,
      });
      const input = page.getByTestId('upload-panel').locator('input[type=file]');
      await input.setInputFiles(WEBM);
      await expect(page.getByTestId('upload-progress')).toBeVisible();
      await shot(page, '01-uploading');
      await page.getByRole('button', { name: 'Cancel upload' }).click();
      await expect(page.getByTestId('upload-progress')).toBeHidden();
      await expect(page.getByText('No video yet')).toBeVisible();

      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 20,
        downloadThroughput: -1,
        uploadThroughput: 16 * 1024,
      });
      await input.setInputFiles(WEBM);
      await expect(page.getByTestId('upload-progress')).toBeVisible();
      await expect(page.getByTestId('video-facts')).toContainText('WebM · 160×90 · 0:02', {
        timeout: 30_000,
      });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await expect
        .poll(() => page.getByTestId('video').evaluate((v: HTMLVideoElement) => v.readyState))
        .toBeGreaterThanOrEqual(1);
    });

    await test.step('add an English caption track', async () => {
      await page.getByRole('button', { name: 'Add captions' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Language').fill('en');
      await dialog.getByLabel('Label').fill('English');
      await dialog.getByRole('tab', { name: 'WebVTT text' }).click();
      await dialog.getByRole('textbox', { name: 'WebVTT text' }).fill('not webvtt');
      await expect(dialog.getByTestId('vtt-problems')).toContainText('Line 1');
      await expect(dialog.getByRole('button', { name: 'Save captions' })).toBeDisabled();
      await dialog.getByRole('textbox', { name: 'WebVTT text' }).fill(VTT);
      await dialog.getByRole('tab', { name: 'Cues' }).click();
      await expect(dialog.getByTestId('cue-row')).toHaveCount(2);
      expect(await seriousAxeViolations(page), 'axe: the captions dialog').toEqual([]);
      await dialog.getByLabel('Cue 2 text').fill('Goodbye, friends');
      await dialog.getByLabel('Cue 2 text').blur();
      // Enter in the label saves, as the button does.
      await dialog.getByLabel('Label').press('Enter');
      await expect(dialog).toBeHidden();
      await expect(page.getByTestId('caption-track')).toContainText('English');
    });

    let publicUrl = '';
    await test.step('set a password and publish; copy the link', async () => {
      const card = page.getByTestId('publish-card');
      await card.getByLabel('Password', { exact: true }).fill('open sesame');
      // Enter in the field sets it, as the button does.
      await card.getByLabel('Password', { exact: true }).press('Enter');
      await expect(card.getByTestId('password-status')).toContainText('Set');
      await expect(card.getByTestId('publish-switch')).toBeEnabled();
      await card.getByTestId('publish-switch').click();
      await expect(card.getByTestId('public-url')).toHaveValue(/\/v\/[A-Za-z0-9_-]{22}$/);
      publicUrl = await card.getByTestId('public-url').inputValue();
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await card.getByTestId('public-url-copy').click();
      await expect(card.getByTestId('public-url-copy')).toHaveText('Copied');
      await expect(card.getByTestId('embed-code')).toHaveValue(/<iframe src=".*\/embed\//);
      await shot(page, '02-share-page');
      await page.setViewportSize({ width: 390, height: 844 });
      await noSidewaysScroll(page);
      await shot(page, '03-share-page-390');
      await page.setViewportSize({ width: 1280, height: 800 });
    });

    await test.step('a stranger opens the link, enters the password and the video is ready with its captions', async () => {
      const context = await browser.newContext();
      contexts.push(context);
      const visitor = await context.newPage();
      const visitorErrors: string[] = [];
      watchErrors(visitor, visitorErrors);
      await visitor.goto(publicUrl);
      await expect(visitor.getByRole('heading', { name: 'This video is password protected' })).toBeVisible();
      await expect(visitor.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow');
      expect(await seriousAxeViolations(visitor), 'axe: the password prompt').toEqual([]);
      await visitor.getByLabel('Password').fill('wrong password');
      await visitor.getByRole('button', { name: 'Watch' }).click();
      await expect(visitor.getByRole('alert')).toHaveText('That password is not right.');
      await visitor.getByLabel('Password').fill('open sesame');
      await visitor.getByRole('button', { name: 'Watch' }).click();
      await expect(visitor.getByRole('heading', { name: 'Launch film' })).toBeVisible();
      const video = visitor.getByTestId('public-video');
      await expect
        .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(2);
      const tracks = await video.evaluate((v: HTMLVideoElement) =>
        Array.from(v.textTracks).map((t) => ({ label: t.label, language: t.language, kind: t.kind })),
      );
      expect(tracks).toEqual([{ label: 'English', language: 'en', kind: 'subtitles' }]);
      await expect(visitor.locator('video track')).toHaveAttribute(
        'src',
        /\/api\/public\/videos\/.+\/captions\//,
      );
      await shot(visitor, '04-public-page');
      expect(await seriousAxeViolations(visitor), 'axe: the public page').toEqual([]);
      await visitor.setViewportSize({ width: 390, height: 844 });
      await noSidewaysScroll(visitor);
      expect(await seriousAxeViolations(visitor), 'axe: the public page at 390 px').toEqual([]);
      await shot(visitor, '05-public-page-390');
      expect(visitorErrors.filter((e) => !e.includes('401'))).toEqual([]);
    });

    await test.step('the embed renders in an iframe on another origin', async () => {
      // Remove the password: an unlock cookie set inside another site's frame is that site's.
      const card = page.getByTestId('publish-card');
      await card.getByRole('button', { name: 'Remove password' }).click();
      await expect(card.getByTestId('password-status')).toHaveText('None');
      const embedUrl = publicUrl.replace('/v/', '/embed/');
      const context = await browser.newContext();
      contexts.push(context);
      const host = await context.newPage();
      // Another origin on this machine (a real server: Chromium lets no page without a local address
      // frame a loopback one).
      const hostPage = 'http://127.0.0.1:3952/post';
      const hostServer = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(
          `<!doctype html><title>Blog</title><h1>My blog</h1><iframe src="${embedUrl}" width="640" height="360"></iframe><iframe id="page" src="${publicUrl}" width="200" height="100"></iframe>`,
        );
      });
      await new Promise<void>((resolve) => hostServer.listen(3952, '127.0.0.1', resolve));
      stops.push(() => new Promise<void>((resolve) => hostServer.close(() => resolve())));
      await host.goto(hostPage);
      const frame = host.frameLocator(`iframe[src="${embedUrl}"]`);
      const video = frame.getByTestId('public-video');
      await expect(video).toBeAttached();
      await expect
        .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(2);
      // The public page itself refuses to be framed (frame-ancestors 'none').
      await expect(host.frameLocator('#page').locator('#troupe-public')).toHaveCount(0);
      await shot(host, '06-embed-elsewhere');
    });

    await test.step('unpublishing ends the link at once', async () => {
      const card = page.getByTestId('publish-card');
      await expect(card.getByTestId('publish-switch')).toBeEnabled();
      await card.getByTestId('publish-switch').click();
      await expect(card.getByText('Not published')).toBeVisible();
      await expect(card.getByTestId('public-url')).toHaveCount(0);
      const res = await page.request.get(publicUrl);
      expect(res.status()).toBe(404);
    });
    expect(errors).toEqual([]);
  } finally {
    for (const c of contexts) await c.close();
    for (const stop of stops) await stop();
  }
});

test('at the caption tracks limit, "Add captions" is disabled and says why', async ({ page }) => {
  const wsId = await workspaceByApi(
    page,
    { name: 'Cap Admin', email: uniqueEmail('captions-cap') },
    `Captions ${Date.now()}`,
  );
  const video = await api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, {
    kind: 'video',
    title: 'Many languages',
  });
  await api(page, 'PUT', `/api/items/${video.id}/file?filename=tiny.webm`, readFileSync(WEBM), {
    'content-type': 'video/webm',
  });
  for (let i = 0; i < MAX_CAPTION_TRACKS; i++) {
    await api(page, 'POST', `/api/items/${video.id}/captions`, {
      language: `en-x-t${i}`,
      label: `Track ${i}`,
      vtt: VTT,
    });
  }
  await page.goto(`/w/${wsId}/library/items/${video.id}`);
  const card = page.getByTestId('captions-card');
  await expect(card.getByRole('button', { name: 'Add captions' })).toBeDisabled();
  await expect(card.getByTestId('captions-full')).toHaveText(
    `A video has at most ${MAX_CAPTION_TRACKS} caption tracks: delete one to add another.`,
  );
});
