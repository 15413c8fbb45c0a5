import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { api, joinByApi, uniqueEmail, workspaceByApi } from './helpers.ts';

const libraryItem = (scope: Page | Locator, title: string) =>
  scope.locator(`[data-testid="library-item"][data-title="${title}"]`);
const accessPerson = (scope: Locator, email: string) =>
  scope.locator(`[data-testid="access-person"][data-email="${email}"]`);
const sharePerson = (scope: Locator, email: string) =>
  scope.locator(`[data-testid="share-person"][data-email="${email}"]`);

/** A second person, in a browser context of their own. */
async function personPage(browser: Browser, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** In the share dialog: picks a member from the "Add people" search. */
async function addPerson(page: Page, dialog: Locator, person: { name: string; email: string }) {
  await dialog.getByLabel('Add people').fill(person.name.split(' ')[0] as string);
  await page.getByRole('option', { name: person.email }).click();
}

test('a Creator shares a folder; another Creator edits inside it; a Viewer stays view-only', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(240_000);
  const shot = (p: Page, step: string) =>
    p.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  const stamp = Date.now();
  const admin = { name: 'Annie Admin', email: uniqueEmail('annie') };
  const owner = { name: 'Olive Owner', email: uniqueEmail('olive') };
  const editor = { name: 'Edith Editor', email: uniqueEmail('edith') };
  const viewer = { name: 'Vera Viewer', email: uniqueEmail('vera') };
  const contexts: BrowserContext[] = [];

  try {
    // Set up through the API (the invitation pages are invitations.e2e.ts's subject).
    const ownerPage = await personPage(browser, contexts);
    const editorPage = await personPage(browser, contexts);
    const viewerPage = await personPage(browser, contexts);
    const wsId =
      await test.step('set up: a workspace whose two Creators and Viewer joined by invitation', async () => {
        const id = await workspaceByApi(page, admin, `Share Co ${stamp}`);
        await api(page, 'POST', `/api/workspaces/${id}/invitations`, {
          emails: [owner.email, editor.email],
          role: 'creator',
        });
        await api(page, 'POST', `/api/workspaces/${id}/invitations`, {
          emails: [viewer.email],
          role: 'viewer',
        });
        await joinByApi(ownerPage, owner);
        await joinByApi(editorPage, editor);
        await joinByApi(viewerPage, viewer);
        return id;
      });

    await test.step('a Creator creates the folder "Campaign" with the draft "Script" inside', async () => {
      const p = ownerPage;
      await p.goto(`/w/${wsId}/library`);
      // The section is the title; no breadcrumb repeats "Library".
      await expect(p.getByRole('heading', { name: 'My library' })).toBeVisible();
      await expect(p.getByTestId('breadcrumbs')).toHaveCount(0);
      await p.getByTestId('new-item-button').click();
      await p.getByRole('menuitem', { name: 'Folder' }).click();
      let dialog = p.getByRole('dialog');
      await dialog.getByLabel('Folder name').fill('Campaign');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expect(dialog).toBeHidden();
      await expect(libraryItem(p, 'Campaign')).toHaveAttribute('data-permission', 'edit');
      await expect(libraryItem(p, 'Campaign')).toContainText('Can edit');

      await libraryItem(p, 'Campaign').getByRole('link', { name: 'Campaign' }).click();
      await expect(p).toHaveURL(/\/library\/folders\/[^/]+$/);
      await expect(p.getByTestId('breadcrumbs')).toHaveText(/Library.*Campaign/);
      // Its (empty) list loaded before New (see trash.e2e.ts).
      await expect(p.getByText('This folder is empty')).toBeVisible();
      await p.getByTestId('new-item-button').click();
      await p.getByRole('menuitem', { name: 'Draft' }).click();
      dialog = p.getByRole('dialog');
      await dialog.getByLabel('Title').fill('Script');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await expect(dialog).toBeHidden();
      await expect(libraryItem(p, 'Script')).toHaveAttribute('data-permission', 'edit');
      await shot(p, '01-owner-folder-with-draft');
    });

    await test.step('shares the folder with the other Creator and the Viewer, both at edit', async () => {
      const p = ownerPage;
      await p.getByTestId('breadcrumbs').getByRole('link', { name: 'Library' }).click();
      await libraryItem(p, 'Campaign').getByTestId('item-menu').click();
      await p.getByRole('menuitem', { name: 'Share' }).click();
      const dialog = p.getByTestId('share-dialog');
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText('Share “Campaign”');
      await expect(dialog.getByTestId('general-access')).toHaveValue('Only people added');

      // With a Viewer picked, "Can edit" is disabled and the reason shown (Viewers can only view).
      await addPerson(p, dialog, viewer);
      await expect(dialog.getByTestId('add-people-viewer-reason')).toContainText('Viewers can only view');
      await dialog.getByLabel('Add people').press('Tab');
      await dialog.getByLabel('Permission for the people you add').click();
      await expect(p.getByRole('option', { name: 'Can edit' })).toHaveAttribute('aria-disabled', 'true');
      await p.keyboard.press('Escape');
      await shot(p, '02-share-dialog-adding');
      await dialog.getByRole('button', { name: 'Share', exact: true }).click();
      await expect(sharePerson(dialog, viewer.email)).toBeVisible();
      await addPerson(p, dialog, editor);
      await dialog.getByLabel('Permission for the people you add').click();
      await p.getByRole('option', { name: 'Can edit' }).click();
      await dialog.getByRole('button', { name: 'Share', exact: true }).click();

      await expect(sharePerson(dialog, editor.email)).toBeVisible();
      await expect(sharePerson(dialog, editor.email).getByLabel(`Access for ${editor.email}`)).toHaveValue(
        'Can edit',
      );
      await expect(sharePerson(dialog, viewer.email)).toContainText('Viewers can only view');
      await expect(accessPerson(dialog, editor.email)).toHaveAttribute('data-permission', 'edit');
      await expect(accessPerson(dialog, editor.email)).toContainText('Added directly');
      await expect(accessPerson(dialog, viewer.email)).toHaveAttribute('data-permission', 'view');
      await expect(accessPerson(dialog, viewer.email)).toContainText('Viewers can only view');
      await expect(accessPerson(dialog, owner.email)).toContainText('Owner');
      await expect(accessPerson(dialog, admin.email)).toContainText('Super Admin');
      await shot(p, '03-share-dialog-shared');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await expect(dialog).toBeHidden();
    });

    const scriptUrl =
      await test.step('the other Creator opens Shared with me › Campaign › Script and renames it', async () => {
        const p = editorPage;
        await p.goto(`/w/${wsId}/library`);
        await p.getByTestId('library-view').getByText('Shared with me').click();
        await expect(p).toHaveURL(/view=shared/);
        await expect(libraryItem(p, 'Campaign')).toHaveAttribute('data-permission', 'edit');
        await shot(p, '04-editor-shared-with-me');
        await libraryItem(p, 'Campaign').getByRole('link', { name: 'Campaign' }).click();
        await expect(p.getByTestId('breadcrumbs')).toContainText('Campaign');
        await expect(libraryItem(p, 'Script')).toHaveAttribute('data-permission', 'edit');
        await expect(p.getByTestId('new-item-button')).toBeVisible();
        await libraryItem(p, 'Script').getByRole('link', { name: 'Script' }).click();
        await expect(p).toHaveURL(/\/library\/items\/[^/]+$/);
        await expect(p.getByTestId('breadcrumbs')).toHaveText(/Library.*Campaign.*Script/);
        await p.getByTestId('item-menu').click();
        await p.getByRole('menuitem', { name: 'Rename' }).click();
        const dialog = p.getByRole('dialog');
        await dialog.getByLabel('Title').fill('Script v2');
        await dialog.getByRole('button', { name: 'Rename' }).click();
        await expect(dialog).toBeHidden();
        await expect(p.getByRole('heading', { name: 'Script v2' })).toBeVisible();
        await expect(p.getByTestId('breadcrumbs')).toHaveText(/Campaign.*Script v2/);
        await shot(p, '05-editor-renamed');
        return p.url();
      });

    await test.step('the Viewer sees "Script v2" read-only', async () => {
      const p = viewerPage;
      await p.goto(`/w/${wsId}/library?view=shared`);
      await expect(libraryItem(p, 'Campaign')).toHaveAttribute('data-permission', 'view');
      await libraryItem(p, 'Campaign').getByRole('link', { name: 'Campaign' }).click();
      const script = libraryItem(p, 'Script v2');
      await expect(script).toHaveAttribute('data-permission', 'view');
      await expect(script).toContainText('Can view');
      await expect(p.getByTestId('new-item-button')).toHaveCount(0);
      await script.getByTestId('item-menu').click();
      const menu = p.getByRole('menu');
      await expect(menu.getByRole('menuitem', { name: 'Who has access' })).toBeVisible();
      await expect(menu.getByRole('menuitem', { name: 'Rename' })).toHaveCount(0);
      await expect(menu.getByRole('menuitem', { name: 'Share', exact: true })).toHaveCount(0);
      await expect(menu.getByRole('menuitem', { name: 'Move' })).toHaveCount(0);
      await expect(menu.getByRole('menuitem', { name: 'Delete' })).toHaveCount(0);
      await shot(p, '06-viewer-menu');
      await menu.getByRole('menuitem', { name: 'Who has access' }).click();

      const dialog = p.getByTestId('share-dialog');
      await expect(dialog).toContainText('Share “Script v2”');
      await expect(dialog.getByTestId('share-read-only')).toBeVisible();
      await expect(dialog.getByLabel('Add people')).toHaveCount(0);
      await expect(dialog.getByTestId('general-access')).toHaveText('Only people added');
      const me = accessPerson(dialog, viewer.email);
      await expect(me).toHaveAttribute('data-permission', 'view');
      await expect(me).toContainText('Can view');
      await expect(me).toContainText('Viewers can only view');
      await expect(me.getByTestId('access-reason')).toHaveText('From folder Campaign');
      await expect(accessPerson(dialog, editor.email)).toHaveAttribute('data-permission', 'edit');
      await expect(accessPerson(dialog, editor.email).getByTestId('access-reason')).toHaveText(
        'From folder Campaign',
      );
      await expect(accessPerson(dialog, owner.email).getByTestId('access-reason')).toHaveText(
        'Owner, Owner of folder Campaign',
      );
      await shot(p, '07-viewer-who-has-access');
      await dialog.getByRole('button', { name: 'Done' }).click();
    });

    await test.step('a draft shared on its own, in a folder kept private, is reached through Shared with me', async () => {
      const p = ownerPage;
      await p.goto(`/w/${wsId}/library`);
      await p.getByTestId('new-item-button').click();
      await p.getByRole('menuitem', { name: 'Folder' }).click();
      let dialog = p.getByRole('dialog');
      await dialog.getByLabel('Folder name').fill('Private');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await libraryItem(p, 'Private').getByRole('link', { name: 'Private' }).click();
      // In the folder before New (a click during the navigation opened the old page's menu).
      await expect(p.getByRole('heading', { name: 'Private' })).toBeVisible();
      await expect(p.getByText('This folder is empty')).toBeVisible();
      await p.getByTestId('new-item-button').click();
      await p.getByRole('menuitem', { name: 'Draft' }).click();
      dialog = p.getByRole('dialog');
      await dialog.getByLabel('Title').fill('Brief');
      await dialog.getByRole('button', { name: 'Create' }).click();
      await libraryItem(p, 'Brief').getByRole('link', { name: 'Brief' }).click();
      // On the draft's page before Share: the folder's page has a Share button too, and a click
      // during the navigation opened the folder's dialog, which the draft's page then replaced.
      await expect(p.getByRole('heading', { name: 'Brief' })).toBeVisible();
      await p.getByRole('button', { name: 'Share', exact: true }).click();
      const share = p.getByTestId('share-dialog');
      await expect(share).toContainText('Share “Brief”');
      await addPerson(p, share, editor);
      await share.getByRole('button', { name: 'Share', exact: true }).click();
      await expect(sharePerson(share, editor.email)).toBeVisible();
      await share.getByRole('button', { name: 'Done' }).click();

      const e = editorPage;
      await e.goto(`/w/${wsId}/library?view=shared`);
      await expect(e.getByRole('heading', { name: 'Shared with me' })).toBeVisible();
      await expect(libraryItem(e, 'Private')).toHaveCount(0);
      await expect(libraryItem(e, 'Brief')).toHaveAttribute('data-permission', 'view');
      await libraryItem(e, 'Brief').getByRole('link', { name: 'Brief' }).click();
      await expect(e.getByTestId('breadcrumbs')).toHaveText(/^Library.*Shared with me.*Brief$/);
      await expect(e.getByRole('link', { name: 'Show in folder' })).toHaveCount(0);
      await shot(e, '08-editor-item-in-hidden-folder');
    });

    await test.step("the item's link opens it for the Viewer, read-only", async () => {
      const p = viewerPage;
      await p.goto(scriptUrl);
      await expect(p.getByRole('heading', { name: 'Script v2' })).toBeVisible();
      await expect(p.getByTestId('breadcrumbs')).toHaveText(/Library.*Campaign.*Script v2/);
      await expect(p.getByRole('button', { name: 'Who has access' })).toBeVisible();
      await expect(p.getByTestId('permission-badge')).toHaveText('Can view');
      await shot(p, '09-viewer-item-page');
    });
  } finally {
    for (const context of contexts) await context.close();
  }
});

test('organise the library: sort, move with the folder picker, workspace access, Only me, delete a folder', async ({
  page,
}, testInfo) => {
  const shot = (step: string) =>
    page.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  const admin = { name: 'Mary Organiser', email: uniqueEmail('mary') };

  const create = async (kind: string, title: string) => {
    await page.getByTestId('new-item-button').click();
    await page.getByRole('menuitem', { name: kind, exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(kind === 'Folder' ? 'Folder name' : 'Title').fill(title);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toBeHidden();
    await expect(libraryItem(page, title)).toBeVisible();
  };
  const titles = () =>
    page.getByTestId('library-item').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-title')));

  const wsId = await test.step('set up a workspace with two folders and a draft', async () => {
    const id = await workspaceByApi(page, admin, `Organise Co ${Date.now()}`);
    await page.goto(`/w/${id}/members`);
    await page.getByRole('link', { name: 'Library' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${id}/library$`));
    await expect(page.getByText('Your library is empty')).toBeVisible();
    await create('Folder', 'Beta');
    await create('Draft', 'Notes');
    await create('Folder', 'Alpha');
    return id;
  });

  await test.step('name order puts folders first; date order is newest first', async () => {
    await expect.poll(titles).toEqual(['Alpha', 'Beta', 'Notes']);
    await page.getByTestId('sort-select').click();
    await page.getByRole('option', { name: 'Date created' }).click();
    await expect.poll(titles).toEqual(['Alpha', 'Notes', 'Beta']);
    await page.getByTestId('sort-select').click();
    await page.getByRole('option', { name: 'Name' }).click();
    await expect.poll(titles).toEqual(['Alpha', 'Beta', 'Notes']);
  });

  await test.step('move a folder: it cannot go into itself; move the draft into Beta', async () => {
    await libraryItem(page, 'Alpha').getByTestId('item-menu').click();
    await page.getByRole('menuitem', { name: 'Move' }).click();
    let dialog = page.getByRole('dialog');
    await expect(dialog.locator('[data-testid="move-folder"][data-title="Alpha"]')).toBeDisabled();
    await expect(dialog.getByRole('button', { name: 'Move to Library root' })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await libraryItem(page, 'Notes').getByTestId('item-menu').click();
    await page.getByRole('menuitem', { name: 'Move' }).click();
    dialog = page.getByRole('dialog');
    await dialog.locator('[data-testid="move-folder"][data-title="Beta"]').click();
    await shot('01-move-picker');
    await dialog.getByRole('button', { name: 'Move to “Beta”' }).click();
    await expect(dialog).toBeHidden();
    await expect(libraryItem(page, 'Notes')).toHaveCount(0);
    await libraryItem(page, 'Beta').getByRole('link', { name: 'Beta' }).click();
    await expect(libraryItem(page, 'Notes')).toBeVisible();
    await expect(page.getByTestId('breadcrumbs')).toHaveText(/Library.*Beta/);
  });

  await test.step('open the folder to the workspace at edit; its draft inherits it', async () => {
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    let dialog = page.getByTestId('share-dialog');
    await dialog.getByTestId('general-access').click();
    await page.getByRole('option', { name: /^Anyone in / }).click();
    await expect(dialog.getByTestId('access-workspace')).toHaveAttribute('data-permission', 'view');
    await dialog.getByTestId('workspace-permission').click();
    await page.getByRole('option', { name: 'Can edit' }).click();
    await expect(dialog.getByTestId('access-workspace')).toHaveAttribute('data-permission', 'edit');
    await shot('02-folder-workspace-edit');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();

    await libraryItem(page, 'Notes').getByTestId('item-menu').click();
    await page.getByRole('menuitem', { name: 'Share' }).click();
    dialog = page.getByTestId('share-dialog');
    await expect(dialog.getByTestId('access-workspace')).toContainText(
      'Anyone in the workspace · from folder Beta',
    );
    await expect(dialog.getByTestId('access-workspace')).toHaveAttribute('data-permission', 'edit');
    await dialog.getByTestId('general-access').click();
    await page.getByRole('option', { name: 'Only me' }).click();
    await expect(dialog.getByTestId('grants-dormant')).toContainText(
      'Only you (and Super Admins) can open this; people added keep their place but have no access until you share again',
    );
    await expect(dialog.getByTestId('access-workspace')).toHaveCount(0);
    await shot('03-only-me');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(libraryItem(page, 'Notes')).toContainText('Only me');
  });

  await test.step('delete the folder with everything in it', async () => {
    await page.getByTestId('breadcrumbs').getByRole('link', { name: 'Library' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${wsId}/library$`));
    await libraryItem(page, 'Beta').getByTestId('item-menu').click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Delete “Beta” and everything in it?');
    await shot('04-delete-folder');
    await dialog.getByRole('button', { name: 'Delete folder and contents' }).click();
    await expect(dialog).toBeHidden();
    await expect(libraryItem(page, 'Beta')).toHaveCount(0);
    await expect.poll(titles).toEqual(['Alpha']);
  });
});

test('Move: a folder shared long ago is found past the first page of "Shared with me"; no folder into its own subfolder; nothing to the root that would leave the mover without access', async ({
  page,
  browser,
}) => {
  const contexts: BrowserContext[] = [];
  const admin = { name: 'Moira Admin', email: uniqueEmail('moira') };
  const ann = { name: 'Ann Creator', email: uniqueEmail('ann') };
  const annPage = await personPage(browser, contexts);
  try {
    const wsId = await workspaceByApi(page, admin, `Move Co ${Date.now()}`);
    await api(page, 'POST', `/api/workspaces/${wsId}/invitations`, { emails: [ann.email], role: 'creator' });
    await joinByApi(annPage, ann);
    const annId = (await api<{ id: string }>(annPage, 'GET', '/api/me')).id;
    const item = (kind: string, title: string, parentId?: string) =>
      api<{ id: string }>(page, 'POST', `/api/workspaces/${wsId}/items`, { kind, title, parentId });
    const share = (id: string) =>
      api(page, 'PUT', `/api/items/${id}/grants/${annId}`, { permission: 'edit' });
    // Shared first, so last in "Shared with me" (newest share first): past 52 drafts shared since.
    const projects = await item('folder', 'Projects');
    const inner = await item('folder', 'Inner', projects.id);
    await share(projects.id);
    await share(inner.id);
    for (let i = 0; i < 52; i++) await share((await item('draft', `Shared draft ${i}`)).id);
    await api(annPage, 'POST', `/api/workspaces/${wsId}/items`, { kind: 'draft', title: 'My notes' });

    await annPage.goto(`/w/${wsId}/library`);
    await libraryItem(annPage, 'My notes').getByTestId('item-menu').click();
    await annPage.getByRole('menuitem', { name: 'Move' }).click();
    const dialog = annPage.getByRole('dialog');
    await dialog.getByText('Shared with me', { exact: true }).click();
    await expect(dialog.getByText('No folders among the first things shared with you.')).toBeVisible();
    await dialog.getByRole('button', { name: 'Load more' }).click();
    await expect(dialog.locator('[data-testid="move-folder"][data-title="Projects"]')).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Moving "Projects": "Inner", shared on its own, is inside it.
    await expect(dialog).toBeHidden();
    await annPage.goto(`/w/${wsId}/library?view=workspace`);
    await libraryItem(annPage, 'Projects').getByTestId('item-menu').click();
    await annPage.getByRole('menuitem', { name: 'Move' }).click();
    await dialog.getByText('Shared with me', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Load more' }).click();
    await expect(dialog.locator('[data-testid="move-folder"][data-title="Projects"]')).toBeDisabled();
    await dialog.locator('[data-testid="move-folder"][data-title="Inner"]').click();
    await expect(
      dialog.getByText('“Inner” is inside “Projects”: a folder cannot move into its own subfolder.'),
    ).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Move to “Inner”' })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Moving the admin's "Brief" out of "Projects" to the root would leave Ann without access to it.
    await item('draft', 'Brief', projects.id);
    await annPage.goto(`/w/${wsId}/library/folders/${projects.id}`);
    await libraryItem(annPage, 'Brief').getByTestId('item-menu').click();
    await annPage.getByRole('menuitem', { name: 'Move' }).click();
    await expect(dialog.getByText(/^At the library root it keeps only its own sharing/)).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Move to Library root' })).toBeDisabled();
  } finally {
    for (const c of contexts) await c.close();
  }
});
