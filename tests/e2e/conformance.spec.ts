import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { lowContrastTexts } from './contrast';
import { expect, test } from './studio';

/**
 * "Test a service" (issue 18, in the studio): the person opens the view from the header, runs the
 * conformance checks against this very host, sees the summary with no failure, opens a check's
 * evidence, exports the report and follows a check's request into the inspector.
 */

/** Widths that overflow their box (a horizontal scrollbar, or text cut off to the right). */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    ['html', '.conf-view', '.conf-body', '.conf-form']
      .map((sel) => ({ sel, el: document.querySelector(sel) }))
      .filter(({ el }) => el && el.scrollWidth > el.clientWidth + 1)
      .map(({ sel, el }) => `${sel}: ${el!.scrollWidth} > ${el!.clientWidth}`),
  );

test('runs the checks against this host live, no check fails, a check opens to its evidence and into the inspector', async ({ studio }) => {
  const { page } = studio;
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await studio.button('Test a service').click();
  const view = page.getByRole('dialog', { name: 'Test a service' });
  await expect(view).toBeVisible();

  // Prefilled with this host's own roles.
  await expect(view.getByLabel('Service URL')).toHaveValue(process.env.SERVICE_URL!);
  await expect(view.getByLabel('Provider URL (optional)')).toHaveValue(process.env.PROVIDER_URL!);
  await expect(view.getByLabel('Mailbox URL (optional)')).toHaveValue(process.env.MAILBOX_URL!);
  await view.getByLabel('Profile').selectOption('v0.1');
  await view.getByRole('button', { name: 'Run checks' }).click();

  const summary = view.getByRole('region', { name: 'Summary' });
  await expect(summary.getByRole('status')).toHaveText('Finished: no check failed', { timeout: 90_000 });
  await expect(summary.getByRole('listitem').filter({ hasText: 'failed' })).toHaveText('0 failed');
  await expect(summary).toContainText('profile v0.1 (as chosen)');
  // Every check has its verdict, none of them a failure; the ones waiting for trust say what to configure.
  await expect(view.locator('.conf-badge').filter({ hasText: /^(Fail|To come|Running)$/ })).toHaveCount(0);
  await expect(view.getByRole('heading', { name: /^Discovery \d+\/\d+$/ })).toBeVisible();
  await expect(view.locator('.conf-badge').filter({ hasText: /^Pass$/ }).first()).toBeVisible();
  await expect(view.getByText(/checks? skipped/).first()).toBeVisible();
  await expect(view.getByRole('region', { name: 'Trust the runner' }).getByRole('code')).toHaveText(/^\{"service":\{"trustedIssuers":\["http:\/\/127\.0\.0\.1:\d+"\]\}\}$/);

  // One check, opened: the spec text, its request and the answer.
  const check = view.locator('[data-check="registration.anonymous"]');
  await check.getByRole('button', { name: /Anonymous registration/ }).click();
  await expect(check.getByRole('button', { name: /Anonymous registration/ })).toHaveAttribute('aria-expanded', 'true');
  await expect(check.getByText('Spec: PROTOCOL.md §2 (anonymous)')).toBeVisible();
  await expect(check.getByRole('heading', { name: /Evidence/ })).toBeVisible();
  await expect(check.getByText(/^POST http:\/\/127\.0\.0\.1:\d+\/agent\/auth$/)).toBeVisible();
  await expect(check.getByText(/^← 200 application\/json/)).toBeVisible();
  await check.scrollIntoViewIfNeeded();

  await studio.shot('conformance-1280x800');
  expect(await overflowing(page)).toEqual([]);
  expect(await lowContrastTexts(page)).toEqual([]);
  await page.setViewportSize({ width: 1024, height: 700 });
  await check.scrollIntoViewIfNeeded();
  await studio.shot('conformance-1024x700');
  expect(await overflowing(page)).toEqual([]);
  expect(await lowContrastTexts(page)).toEqual([]);

  // The report, exported as the CLI's --json writes it (a download in a browser tab).
  await view.getByText('Export report').click();
  const [download] = await Promise.all([page.waitForEvent('download'), view.getByRole('link', { name: /^JSON/ }).click()]);
  const report = JSON.parse(readFileSync((await download.path())!, 'utf8'));
  expect(report).toMatchObject({ schema: 'agentic-registration-conformance/1', profile: 'v0.1', service: process.env.SERVICE_URL, summary: { FAILURE: 0 } });
  expect(report.results.find((r: { id: string }) => r.id === 'registration.anonymous')).toMatchObject({ status: 'SUCCESS' });

  // Into the studio's inspector: the view closes on the check's request, recorded under the check's id.
  await check.getByRole('button', { name: 'Open in the inspector' }).click();
  await expect(view).toBeHidden();
  await expect(studio.inspector.getByText('/agent/auth', { exact: true })).toBeVisible();
  await expect(studio.inspector.getByText('step registration.anonymous')).toBeVisible();
  await expect(studio.inspector.getByText('Agent → Service')).toBeVisible();
  // The diagram brings the chosen request into view, drawn selected.
  await expect(studio.diagram.locator('g.arrow.selected')).toBeInViewport();
  await studio.shot('conformance-inspector-1024x700');

  // Back in the view, the finished run is still there.
  await studio.button('Test a service').click();
  await expect(view.getByRole('region', { name: 'Summary' }).getByRole('status')).toHaveText('Finished: no check failed');
});
