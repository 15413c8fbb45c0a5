import { expect, type Page, test } from '@playwright/test';
import { api, joinByApi, signUpByApi, uniqueEmail, workspaceByApi } from './helpers.ts';

const row = (page: Page, email: string) => page.locator(`[data-testid="member-row"][data-email="${email}"]`);

test('a Super Admin manages invitations, seats, API keys and reads the audit log', async ({
  page,
}, testInfo) => {
  const shot = (step: string) =>
    page.screenshot({ path: testInfo.outputPath(`${step}.png`), fullPage: true });
  const admin = { name: 'Hedy Admin', email: uniqueEmail('hedy') };
  const invitee = uniqueEmail('margaret');

  const wsId = await test.step('set up', async () => {
    const id = await workspaceByApi(page, admin, `Admin Co ${Date.now()}`);
    await page.goto(`/w/${id}/members`);
    return id;
  });

  await test.step('bad addresses are named and nothing is sent', async () => {
    await page.getByTestId('invite-button').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email addresses').fill(`${invitee} not-an-email; also@bad`);
    await expect(dialog.getByTestId('invite-count')).toHaveText('1 address · 2 not valid');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await expect(dialog.getByTestId('invite-error')).toContainText(
      'not-an-email is not a valid email address',
    );
    await expect(dialog.getByTestId('invite-error')).toContainText('also@bad is not a valid email address');
    await shot('01-bad-addresses');
    await dialog.getByLabel('Email addresses').fill(invitee);
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Creator' }).click();
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await expect(dialog.getByTestId('invite-result')).toContainText('Invited');
    await dialog.getByRole('button', { name: 'Invite more' }).click();
    await dialog.getByLabel('Email addresses').fill(`${invitee}, ${admin.email}`);
    await dialog.getByRole('button', { name: 'Send 2 invitations' }).click();
    await expect(dialog.locator(`[data-email="${invitee}"]`)).toContainText('Already invited');
    await expect(dialog.locator(`[data-email="${admin.email}"]`)).toContainText('Already a member');
    await shot('02-already');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(row(page, invitee)).toContainText('Creator');
  });

  await test.step('resend and revoke an invitation', async () => {
    await row(page, invitee).getByTestId('member-menu').click();
    await page.getByRole('menuitem', { name: 'Resend invitation' }).click();
    await expect(page.getByText('Invitation sent again')).toBeVisible();
    await row(page, invitee).getByTestId('member-menu').click();
    await page.getByRole('menuitem', { name: 'Revoke invitation' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await expect(row(page, invitee)).toHaveCount(0);
  });

  await test.step('the last Super Admin can neither step down nor leave: both disabled, with the reason', async () => {
    const reason = 'The only Super Admin: make someone else Super Admin first.';
    await expect(row(page, admin.email).getByLabel(`Role of ${admin.email}`)).toBeDisabled();
    await expect(row(page, admin.email).getByTestId('last-admin-reason')).toHaveText(reason);
    await row(page, admin.email).getByTestId('member-menu').click();
    const leave = page.getByRole('menuitem', { name: /Leave workspace/ });
    await expect(leave).toBeDisabled();
    await expect(leave).toContainText(reason);
    await shot('03-last-admin');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  await test.step('buy seats', async () => {
    await page.getByRole('link', { name: 'Manage seats' }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${wsId}/billing$`));
    const input = page.getByLabel('Total seats');
    await input.fill('0');
    await expect(page.getByText('Keep at least 1 seat')).toBeVisible();
    await expect(page.getByTestId('seats-submit')).toBeDisabled();
    await input.fill('8');
    await expect(page.getByTestId('seats-diff')).toHaveText('+3 seats');
    await page.getByRole('button', { name: 'Buy 3 seats' }).click();
    await expect(page.getByTestId('billing-seats')).toHaveText('1 of 8 seats used');
    await expect(page.getByTestId('purchase-row')).toHaveCount(1);
    await expect(page.getByTestId('purchase-row')).toContainText('5 → 8');
    await shot('04-billing');
  });

  const key = await test.step('create an API key, shown once, that works', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByTestId('create-key-button').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('CI uploads');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const value = (await dialog.getByTestId('created-key').textContent())?.trim() ?? '';
    expect(value.length).toBeGreaterThan(20);
    await shot('05-key-shown-once');
    await dialog.getByRole('button', { name: "I've copied it" }).click();
    await expect(page.getByTestId('api-key-row')).toHaveCount(1);
    await expect(page.getByTestId('api-key-row')).toContainText('CI uploads');
    const res = await page.request.get('/api/me', { headers: { Authorization: `Bearer ${value}` } });
    expect(res.status()).toBe(200);
    expect(((await res.json()) as { email: string }).email).toBe(admin.email);
    return value;
  });

  await test.step('revoke it', async () => {
    await page.getByRole('button', { name: 'Revoke CI uploads' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect(page.getByTestId('api-key-row')).toHaveCount(0);
    const res = await page.request.get('/api/me', { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status()).toBe(401);
  });

  await test.step('the audit log has it all, newest first, and filters', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const rows = page.getByTestId('audit-row');
    await expect(rows.first()).toHaveAttribute('data-action', 'api_key.revoke');
    for (const action of ['api_key.create', 'seats.change', 'invitation.revoke', 'invitation.resend']) {
      await expect(page.locator(`[data-testid="audit-row"][data-action="${action}"]`)).toHaveCount(1);
    }
    await shot('06-audit-log');
    await page.getByRole('combobox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'Changed the seats' }).click();
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('5');
    await expect(rows).toContainText('8');
    await shot('07-audit-filtered');
  });
});

test('a Super Admin demoted meanwhile is told so in words, and the page catches up with the new role', async ({
  browser,
}) => {
  const adminContext = await browser.newContext();
  const coraContext = await browser.newContext();
  try {
    const admin = await adminContext.newPage();
    const ann = { name: 'Ann Admin', email: uniqueEmail('demote-ann') };
    const wsId = await workspaceByApi(admin, ann, `Demotions ${Date.now()}`);
    const cora = { name: 'Cora Co', email: uniqueEmail('demote-cora') };
    await api(admin, 'POST', `/api/workspaces/${wsId}/invitations`, {
      emails: cora.email,
      role: 'super_admin',
    });
    const page = await coraContext.newPage();
    await joinByApi(page, cora);
    const coraId = (await api<{ id: string }>(page, 'GET', '/api/me')).id;
    await page.goto(`/w/${wsId}/settings`);
    await expect(page.getByTestId('workspace-switcher')).toContainText('Super Admin');
    // Everything the page reads is read (a read refused after the demotion would update it at once).
    await expect(page.getByTestId('company-domain')).toBeEnabled();

    // Ann makes Cora a Viewer; Cora's page still offers what a Super Admin may do, and she saves.
    await api(admin, 'PATCH', `/api/workspaces/${wsId}/members/${coraId}`, { role: 'viewer' });
    await page.getByLabel('Workspace name').fill('Renamed by Cora');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(
      page.getByText(
        'Only Super Admins can change the workspace’s settings and invite link; you are a Viewer.',
      ),
    ).toBeVisible();
    // No role key or capability code on screen, and the app now shows her role.
    await expect(page.getByText(/\((viewer|workspace:settings)\)/)).toHaveCount(0);
    await expect(page.getByTestId('workspace-switcher')).toContainText('Viewer');
    // Made Super Admin again, then a Viewer again while her members page is open: the next list
    // it reads (a search) shows her as a Viewer, and the page drops a Super Admin's controls.
    await api(admin, 'PATCH', `/api/workspaces/${wsId}/members/${coraId}`, { role: 'super_admin' });
    await page.goto(`/w/${wsId}/members`);
    await expect(page.getByTestId('invite-button')).toBeVisible();
    await api(admin, 'PATCH', `/api/workspaces/${wsId}/members/${coraId}`, { role: 'viewer' });
    await page.getByPlaceholder('Search by name or email').fill('Cora');
    await expect(page.getByTestId('member-row')).toHaveCount(1);
    await expect(page.getByTestId('invite-button')).toHaveCount(0);
    await expect(page.getByTestId('workspace-switcher')).toContainText('Viewer');
  } finally {
    await adminContext.close();
    await coraContext.close();
  }
});

test('a suggestion invited elsewhere since the list was drawn says so instead of "Invitation sent"', async ({
  page,
  browser,
}) => {
  const domain = `acme-${Date.now()}-${Math.random().toString(36).slice(2, 6)}.test`;
  const admin = { name: 'Sue Lead', email: `sue@${domain}` };
  const pat = { name: 'Pat Colleague', email: `pat@${domain}` };
  const wsId = await workspaceByApi(page, admin, `Acme ${Date.now()}`);
  await api(page, 'PATCH', `/api/workspaces/${wsId}`, { companyDomain: domain });
  const context = await browser.newContext();
  try {
    await signUpByApi(await context.newPage(), pat);
    await page.goto(`/w/${wsId}/members`);
    const suggestion = page.locator(`[data-testid="suggestion"][data-email="${pat.email}"]`);
    await expect(suggestion).toBeVisible();
    // Invited from elsewhere (another admin, the API) while this page shows the suggestion.
    await api(page, 'POST', `/api/workspaces/${wsId}/invitations`, { emails: [pat.email], role: 'viewer' });
    await suggestion.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByText('Already invited', { exact: true })).toBeVisible();
    await expect(page.getByText('Invitation sent', { exact: true })).toHaveCount(0);
  } finally {
    await context.close();
  }
});

test('settings: the company domain is chosen from the Super Admins’ verified domains; with none, the field says why', async ({
  page,
  browser,
}) => {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  const domain = `studio-${stamp}.test`;
  const wsId = await workspaceByApi(
    page,
    { name: 'Wren Lead', email: `wren@${domain}` },
    `Domain Co ${stamp}`,
  );
  await page.goto(`/w/${wsId}/settings`);
  const field = page.getByTestId('company-domain');
  await expect(field).toBeEnabled();
  await field.click();
  await page.getByRole('option', { name: domain }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Settings saved')).toBeVisible();
  expect(
    (await api<{ companyDomain: string | null }>(page, 'GET', `/api/workspaces/${wsId}`)).companyDomain,
  ).toBe(domain);

  // Someone whose only address is at a public provider has no domain to offer.
  const context = await browser.newContext();
  try {
    const other = await context.newPage();
    const otherWs = await workspaceByApi(
      other,
      { name: 'Gus Webmail', email: `gus-${stamp}@gmail.com` },
      `Gus ${stamp}`,
    );
    await other.goto(`/w/${otherWs}/settings`);
    await expect(other.getByTestId('company-domain')).toBeDisabled();
    await expect(other.getByText(/none of this workspace's Super Admins has one yet/)).toBeVisible();
  } finally {
    await context.close();
  }
});
