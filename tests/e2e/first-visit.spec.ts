import { test as base } from '@playwright/test';
import { expect, resetAll, test } from './studio';

/** What a first-time visitor notices before doing anything: a clean start, an icon, no surprises. */

base('a fresh start logs no console errors and the tab shows the studio icon', async ({ page, request }) => {
  const url = process.env.STUDIO_URL!;
  expect((await resetAll(request, url)).ok()).toBe(true);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'ID-JAG', exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  const res = await request.get(new URL(icon!, url).toString());
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/svg+xml');
});

test('R during a run asks before it throws the run away; Escape keeps it', async ({ studio }) => {
  const { page } = studio;
  await studio.setAutopilot(false);
  await studio.chooseFlow('Anonymous');
  await page.keyboard.press('n');
  await expect(studio.arrows).not.toHaveCount(0);
  const before = await studio.arrows.count();
  await page.keyboard.press('r');
  const confirm = page.getByRole('dialog', { name: 'Reset the run' });
  await expect(confirm).toBeVisible();
  await studio.shot('reset-run-dialog');
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(studio.arrows).toHaveCount(before);
  await page.keyboard.press('r');
  await confirm.getByRole('button', { name: 'Reset the run' }).click();
  await expect(studio.arrows).toHaveCount(0);
});

test('fits the smallest desktop window (1024×700): the page never scrolls sideways, during a run too', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1024, height: 700 });
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBe(0);
  await studio.setAutopilot(false);
  await studio.chooseFlow('Verified email');
  await studio.play();
  await expect(studio.agent.getByRole('group', { name: 'The agent asks you' })).toBeVisible();
  expect(await overflow()).toBe(0);
  await studio.shot('fit-1024x700');
});

test('the header keeps every tool in view at 1280×800 and 1440×900 (a laptop, a projector): nothing cut at its right edge', async ({ studio }) => {
  const { page } = studio;
  for (const [width, height] of [[1280, 800], [1440, 900]] as const) {
    await page.setViewportSize({ width, height });
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${width} px`).toBe(0);
    for (const name of ['Reset all data…', 'Keyboard shortcuts', 'Test a service']) {
      const box = await page.getByRole('banner').getByRole('button', { name }).boundingBox();
      expect(box, `${name} at ${width} px`).not.toBeNull();
      expect(box!.x + box!.width, `${name} ends inside the ${width} px window`).toBeLessThanOrEqual(width);
    }
    // Every tool of the header's right end (menus and the connection light included) ends inside the window.
    const rightEdges = await page.locator('.topbar-end > *').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
    expect(Math.max(...rightEdges), `the header's last tool at ${width} px`).toBeLessThanOrEqual(width);
  }
  await studio.shot('header-1280x800');
});
