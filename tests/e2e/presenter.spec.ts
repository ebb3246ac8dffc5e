import type { Page } from '@playwright/test';
import { continueToSuccess, overlappingBandHeads } from './presenter';
import { expect, test, type Studio } from './studio';

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/**
 * Each request arrow's label, as drawn, against the label it stands for (the arrow's accessible
 * name starts with it): a cut label ("GET /.well-known/op…") or one drawn past the diagram's edge
 * is unreadable on a projector.
 */
async function cutLabels(studio: Studio): Promise<string[]> {
  return studio.arrows.evaluateAll((arrows) => arrows.flatMap((g) => {
    const text = g.querySelector('text.req-label');
    if (!text) return [];
    const drawn = (text.textContent ?? '').replace(/ ×\d+$/, '');
    const name = g.getAttribute('aria-label') ?? '';
    const svg = g.closest('svg')!.getBoundingClientRect();
    const box = (text as SVGTextElement).getBoundingClientRect();
    const inside = box.left >= svg.left - 0.5 && box.right <= svg.right + 0.5;
    return name.startsWith(`${drawn} from`) && inside ? [] : [`${drawn} (${name})`];
  }));
}

/** Presenter mode at 150 % zoom on 1280×800 — 853×533 CSS px — and at the usual sizes. */
for (const size of [{ width: 853, height: 533 }, { width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  test(`presenter mode: big type, the diagram and one pane, labels whole, no sideways scroll (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(true);
    await studio.chooseFlow('ID-JAG'); // the flow buttons live in the sidebar, which presenter mode hides
    await page.keyboard.press('p'); // the shortcut
    const toggle = studio.button('Presenter');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await studio.play();
    await continueToSuccess(studio); // presenter mode waits at the credential (setup: Space to go on)
    await studio.expectSucceeded();

    await expect(studio.inspector).toBeHidden();
    await expect(page.getByRole('navigation', { name: 'Steps' })).toBeHidden();
    await expect(studio.inbox).toBeHidden(); // only the pane that matters now: the agent's narration
    await expect(studio.agent).toBeVisible();
    expect(await scrollsSideways(page)).toBe(false);
    const fontPx = await studio.arrows.first().locator('text.req-label').evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(16); // 1.45× the usual 11 px (now 17 px: presenter-mode.spec.ts holds it to 1.5×)
    expect(await studio.arrows.count()).toBeGreaterThan(5);
    expect(await cutLabels(studio)).toEqual([]);
    // The longest labels are the discovery ones, on short arrows: scroll them into view, look, check.
    await studio.arrow(/^GET \/\.well-known\/oauth-protected-resource/).first().scrollIntoViewIfNeeded();
    await studio.shot(`presenter-${size.width}x${size.height}`);

    await page.keyboard.press('p');
    await expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await expect(studio.inspector).toBeVisible();
  });
}

test('presenter mode shows the pane where it is your turn, big, and readable at 853×533', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize({ width: 853, height: 533 });
  await studio.setAutopilot(false);
  await studio.chooseFlow('ID-JAG');
  await studio.button('Presenter').click();
  await studio.play();
  await expect(studio.consent.getByText('Your turn')).toBeVisible();
  await expect(studio.agent).toBeHidden();
  expect(await scrollsSideways(page)).toBe(false);
  await studio.shot('presenter-consent-853x533');
  expect(await overlappingBandHeads(studio)).toEqual([]); // "8 · You answer the consent prompt" over "waiting for you"
  await studio.consentPage.getByRole('button', { name: 'Allow once' }).click();
  await continueToSuccess(studio); // presenter mode waits at the credential (setup: Space to go on)
  await studio.expectSucceeded();
  expect(await cutLabels(studio)).toEqual([]);
});
