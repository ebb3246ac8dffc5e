import { readFileSync } from 'node:fs';
import { expect, test } from './studio';

test('Inspector: click an arrow, see its status and the decoded ID-JAG with every claim explained', async ({ studio }) => {
  await studio.setAutopilot(true);
  await studio.chooseFlow('ID-JAG');
  await studio.play();
  await studio.expectSucceeded();

  await studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/).click();
  const inspector = studio.inspector;
  await expect(inspector.getByLabel('Status 200 OK')).toBeVisible();
  await expect(inspector).toContainText('Agent → Service');
  const jwt = inspector.getByRole('article', { name: /Decoded oauth-id-jag\+jwt/ });
  await expect(jwt).toBeVisible();
  await expect(jwt).toContainText('Signature verified');
  for (const claim of ['iss', 'sub', 'aud', 'jti', 'exp', 'email_verified']) {
    await expect(jwt.getByRole('listitem').filter({ has: studio.page.locator('.claim-name', { hasText: new RegExp(`^${claim}$`) }) })).toHaveCount(1);
  }
  await expect(jwt).toContainText('Issuer: the agent provider that minted the token');
  // Secrets stay masked until you ask.
  await inspector.getByRole('tab', { name: 'Response' }).click();
  await expect(inspector.getByText(/"credential": "(at_|sk_test_)?•+"/)).toBeVisible();
  await inspector.getByRole('button', { name: 'Reveal secrets' }).click();
  await expect(inspector.getByText(/"credential": "(at_|sk_test_)?[A-Za-z0-9_-]{12,}"/)).toBeVisible();
  await inspector.getByRole('tab', { name: 'Code' }).click();
  await inspector.getByRole('button', { name: 'Copy curl' }).click();
  await expect(inspector.getByRole('button', { name: 'Copied ✓' })).toBeVisible();
  await studio.shot('inspector-id-jag');

  // Export the trace as HAR and read it back.
  await studio.page.getByText('Export', { exact: true }).click();
  await studio.shot('export-menu');
  const [download] = await Promise.all([
    studio.page.waitForEvent('download'),
    studio.page.getByRole('link', { name: /^HAR/ }).click(),
  ]);
  const har = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(har.log.entries.length).toBeGreaterThan(5);
  expect(har.log.entries.some((e: { request: { url: string } }) => e.request.url.endsWith('/agent/auth'))).toBe(true);
});

test('Keyboard: shortcuts drive the run, never while typing; "Reset all data…" asks first', async ({ studio }) => {
  const { page } = studio;
  await studio.setAutopilot(false);
  await studio.chooseFlow('Anonymous');
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await studio.shot('shortcuts-dialog');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  const steps = page.getByRole('navigation', { name: 'Steps' }).getByRole('button');
  const current = page.getByRole('navigation', { name: 'Steps' }).locator('[aria-current="step"] .step-title');
  await page.keyboard.press('n');
  await expect(studio.arrows).not.toHaveCount(0);
  await expect(current).toHaveText((await steps.nth(1).locator('.step-title').textContent())!);
  // Typing "n" in a field is typing, not "next": one click later the run is exactly one step on.
  await studio.browser.getByLabel('Address').fill('nnn');
  await studio.button('Next step').click();
  await expect(current).toHaveText((await steps.nth(2).locator('.step-title').textContent())!);

  await studio.button('Reset all data…').click();
  const confirm = page.getByRole('dialog', { name: 'Reset all data' });
  await expect(confirm).toBeVisible();
  await studio.shot('reset-all-dialog');
  await confirm.getByRole('button', { name: 'Reset all data' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All data was reset' })).toBeVisible();
  await expect(studio.arrows).toHaveCount(0);
});
