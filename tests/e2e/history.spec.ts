import type { Page } from '@playwright/test';
import { expect, test } from './studio';

/** True when the page scrolls sideways (something is wider than the window). */
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/**
 * Run history (issue 16): every run keeps its trace and reopens read-only; traffic after a run
 * ended (curl against the service) is kept "between runs", never drawn into the finished run.
 */
for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 700 }]) {
  test(`a past run reopens read-only; curl after a run goes between runs (${size.width}×${size.height})`, async ({ studio, request }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(true);
    await studio.chooseFlow('Anonymous');
    await studio.play();
    await studio.expectSucceeded();
    const firstRunArrows = await studio.arrows.count();
    expect(firstRunArrows).toBeGreaterThan(0);

    // curl after the run ended: told apart, and not drawn into the run.
    const curl = await request.get(`${process.env.SERVICE_URL}/api/resource`, { headers: { 'user-agent': 'curl/8.5.0' } });
    expect(curl.status()).toBe(401);
    const notice = page.getByRole('status').filter({ hasText: 'arrived after this run ended' });
    await expect(notice).toContainText('1 request arrived after this run ended');
    expect(await studio.arrows.count()).toBe(firstRunArrows);
    await expect(studio.diagram.getByText('External client', { exact: true })).toHaveCount(0);

    // A second run: the first stays in the history.
    await studio.button('Reset').click();
    await studio.play();
    await studio.expectSucceeded();
    await page.getByText('History', { exact: true }).click();
    const history = page.getByRole('group', { name: 'Run history' });
    await expect(history.getByRole('button', { name: /^Anonymous/ })).toHaveCount(2);
    await expect(history.getByRole('button', { name: /^Between runs.*1 request/ })).toBeVisible();
    await expect(history.getByRole('button', { name: /^Anonymous.*the current run/ })).toBeVisible();
    expect(await scrollsSideways(page)).toBe(false);
    await studio.shot(`history-list-${size.width}`);

    // Reopen the first run: its diagram, steps and inspector, read-only.
    await history.getByRole('button', { name: /^Anonymous.*succeeded/ }).click();
    const banner = page.getByRole('status').filter({ hasText: 'Past run: Anonymous' });
    await expect(banner).toContainText('read-only');
    await expect(studio.arrows).toHaveCount(firstRunArrows);
    await expect(page.getByRole('navigation', { name: 'Steps' }).getByRole('button').first()).toContainText('✓');
    await studio.arrow(/^POST \/agent\/auth from Agent to Service/).first().click();
    await expect(studio.inspector).toContainText('POST');
    expect(await scrollsSideways(page)).toBe(false);
    await studio.shot(`history-past-run-${size.width}`);

    // The curl is in "Between runs", from an External client.
    await page.getByText('History', { exact: true }).click();
    await history.getByRole('button', { name: /^Between runs/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'traffic outside any run' })).toBeVisible();
    await expect(studio.arrow(/^GET \/api\/resource from External client \(curl\/8\.5\.0\)/)).toBeVisible();

    // Back to the live run; delete the first run from the history.
    await page.getByRole('button', { name: 'Back to the live run' }).click();
    await expect(banner).toHaveCount(0);
    await page.getByText('History', { exact: true }).click();
    await history.getByRole('button', { name: /^Delete Anonymous/ }).click();
    await expect(page.getByRole('status').filter({ hasText: 'from the history' })).toBeVisible();
    await expect(history.getByRole('button', { name: /^Anonymous/ })).toHaveCount(1);
  });
}
