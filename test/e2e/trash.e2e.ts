import { expect, type Page, test } from '@playwright/test';
import { uniqueEmail, workspaceByApi } from './helpers.ts';

/** Fails the test on any console error or uncaught exception in `page`. */
function watchErrors(page: Page, errors: string[]) {
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
}

/** Once the layout has settled: nothing wider than the window. */
async function noSidewaysScroll(page: Page) {
  await expect
    .poll(() =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    )
    .toBeLessThanOrEqual(0);
}

const libraryItem = (page: Page, title: string) =>
  page.locator(`[data-testid="library-item"][data-title="${title}"]`);

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`a deleted folder comes back with Undo and from the Trash page (${viewport.width}x${viewport.height})`, async ({
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    await page.setViewportSize(viewport);
    const shot = (step: string) =>
      page.screenshot({ path: testInfo.outputPath(`${viewport.width}-${step}.png`), fullPage: true });
    const person = { name: 'Tess Trash', email: uniqueEmail('tess') };
    const wsId = await workspaceByApi(page, person, `Trash ${Date.now()}`);
    const errors: string[] = [];
    watchErrors(page, errors);

    await test.step('make a folder with a draft inside; the library lists it with its owner', async () => {
      await page.goto(`/w/${wsId}/library`);
      await expect(page.getByRole('heading', { name: 'My library' })).toBeVisible();
      // "Library" once: the sections are the title, no breadcrumb repeats it.
      await expect(page.getByTestId('breadcrumbs')).toHaveCount(0);
      await page.getByTestId('new-item-button').click();
      await page.getByRole('menuitem', { name: 'Folder' }).click();
      let dialog = page.getByRole('dialog');
      await dialog.getByLabel('Folder name').fill('Reels');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expect(dialog).toBeHidden();
      await expect(libraryItem(page, 'Reels').getByTestId('item-owner')).toHaveText('Tess Trash');
      await libraryItem(page, 'Reels').getByRole('link', { name: 'Reels' }).click();
      await expect(page).toHaveURL(/\/library\/folders\/[^/]+$/);
      // In the folder, its (empty) list loaded, before New: a click while the page re-rendered
      // opened a menu whose items were then replaced (CI waited on a detached "Draft").
      await expect(page.getByRole('heading', { name: 'Reels' })).toBeVisible();
      await expect(page.getByText('This folder is empty')).toBeVisible();
      await page.getByTestId('new-item-button').click();
      await page.getByRole('menuitem', { name: 'Draft' }).click();
      dialog = page.getByRole('dialog');
      await dialog.getByLabel('Title').fill('Cut 1');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expect(dialog).toBeHidden();
      await expect(libraryItem(page, 'Cut 1')).toBeVisible();
      await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Library' }).click();
      await page.getByTestId('library-view').getByText('Workspace').click();
      await expect(page).toHaveURL(/view=workspace/);
      await expect(page.getByRole('heading', { name: 'Workspace' })).toBeVisible();
      await expect(libraryItem(page, 'Reels')).toBeVisible();
      await noSidewaysScroll(page);
      await shot('01-workspace-section');
      await page.getByTestId('library-view').getByText('My library').click();
      await expect(libraryItem(page, 'Reels')).toBeVisible();
    });

    const deleteReels = async () => {
      await libraryItem(page, 'Reels').getByTestId('item-menu').click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText('Delete “Reels” and everything in it?');
      await expect(dialog).toContainText('30 days');
      await dialog.getByRole('button', { name: 'Delete folder and contents' }).click();
      await expect(dialog).toBeHidden();
      await expect(libraryItem(page, 'Reels')).toHaveCount(0);
    };

    await test.step('delete it, then Undo', async () => {
      await deleteReels();
      const undo = page.getByTestId('undo-delete');
      await expect(undo).toBeVisible();
      await shot('02-undo-toast');
      await undo.click();
      await expect(page.getByText('“Reels” is back where it was.')).toBeVisible();
      await expect(libraryItem(page, 'Reels')).toBeVisible();
      await libraryItem(page, 'Reels').getByRole('link', { name: 'Reels' }).click();
      await expect(libraryItem(page, 'Cut 1')).toBeVisible();
      await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Library' }).click();
    });

    await test.step('delete it again and restore it from the Trash page', async () => {
      await deleteReels();
      await page.goto(`/w/${wsId}/trash`);
      await expect(page.getByRole('heading', { name: 'Trash' })).toBeVisible();
      const row = page.locator('[data-testid="trash-item"][data-title="Reels"]');
      await expect(row).toContainText('Owner Tess Trash');
      await expect(row).toContainText('Deleted by Tess Trash');
      await expect(row.getByTestId('days-left')).toHaveText('30 days left');
      // What went with the folder is not listed on its own.
      await expect(page.getByTestId('trash-item')).toHaveCount(1);
      await noSidewaysScroll(page);
      await shot('03-trash');
      await row.getByRole('button', { name: 'Restore Reels' }).click();
      await expect(page.getByText('“Reels” is back where it was.')).toBeVisible();
      await expect(page.getByText('The trash is empty')).toBeVisible();
      await noSidewaysScroll(page);
      await page.goto(`/w/${wsId}/library`);
      await expect(libraryItem(page, 'Reels')).toBeVisible();
      await libraryItem(page, 'Reels').getByRole('link', { name: 'Reels' }).click();
      await expect(libraryItem(page, 'Cut 1')).toBeVisible();
      await noSidewaysScroll(page);
      await shot('04-restored');
    });

    await test.step('delete forever asks first, then the trash is empty', async () => {
      await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Library' }).click();
      await deleteReels();
      await page.goto(`/w/${wsId}/trash`);
      await page.getByRole('button', { name: 'Delete Reels forever' }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText('Delete “Reels” forever?');
      await dialog.getByRole('button', { name: 'Delete forever' }).click();
      await expect(page.getByText('The trash is empty')).toBeVisible();
    });

    expect(errors).toEqual([]);
  });
}
