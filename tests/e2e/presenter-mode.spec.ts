import type { Page } from '@playwright/test';
import { caption, continueToSuccess, held, overlappingBandHeads, paceHint } from './presenter';
import { lowContrastTexts } from './contrast';
import { expect, test, type Studio } from './studio';

/**
 * Presenter mode on a 1024×768 projector (issue 16): full screen in step with the mode, a caption
 * narrating each step, a pace that waits at the key moments until Space, a laser pointer on the
 * newest exchange, and every text an audience reads at 1.5× its usual size, nothing cut off.
 */
const PROJECTOR = { width: 1024, height: 768 };
const isFullscreen = (page: Page) => page.evaluate(() => document.fullscreenElement !== null);
const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

async function presentIdJag(studio: Studio) {
  await studio.page.setViewportSize(PROJECTOR);
  await studio.setAutopilot(true);
  await studio.chooseFlow('ID-JAG');
  await studio.page.keyboard.press('p');
  await expect(studio.button('Presenter')).toHaveAttribute('aria-pressed', 'true');
}

test('presenter mode goes full screen, and leaving either one leaves both', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize(PROJECTOR);
  const toggle = studio.button('Presenter');
  await page.keyboard.press('p'); // the key press is the user gesture the Fullscreen API needs
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => isFullscreen(page)).toBe(true);
  await page.keyboard.press('p');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => isFullscreen(page)).toBe(false);

  await toggle.click();
  await expect.poll(() => isFullscreen(page)).toBe(true);
  await expect(studio.inspector).toBeHidden();
  // Leaving full screen as Esc does (the browser's own exit): presenter mode ends with it.
  await page.evaluate(() => document.exitFullscreen());
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(studio.inspector).toBeVisible();
  expect(await isFullscreen(page)).toBe(false);
});

test('a full screen the person made is theirs: presenter mode neither ends it nor ends with it', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize(PROJECTOR);
  await page.locator('h1').click({ force: true }); // a gesture
  await page.evaluate(() => document.documentElement.requestFullscreen());
  await expect.poll(() => isFullscreen(page)).toBe(true);
  await page.keyboard.press('p');
  await page.keyboard.press('p');
  await expect(studio.button('Presenter')).toHaveAttribute('aria-pressed', 'false');
  expect(await isFullscreen(page)).toBe(true);
});

test('captions narrate each step, Play waits at the credential until Space, the laser follows the newest exchange', async ({ studio }) => {
  const { page } = studio;
  await presentIdJag(studio);
  await expect(caption(studio)).toContainText('Step 1 · '); // before the first step: what it will do
  await studio.play();
  const said = await held(studio);
  expect(said).toMatch(/Step \d+ · .*The service issued a credential: the agent is registered\./);
  await expect(studio.agent.getByText('Paused', { exact: true })).toBeVisible();
  // It waits: the diagram does not move on while the presenter talks.
  const arrowsAtHold = await studio.arrows.count();
  await expect(paceHint(studio)).toBeVisible();
  expect(await studio.arrows.count()).toBe(arrowsAtHold);

  // The laser points at the newest arrow.
  const laser = studio.diagram.locator('g.laser');
  await expect(laser).toHaveCount(1);
  const onNewest = () => page.evaluate(() => {
    const dot = document.querySelector('g.laser .laser-dot')!.getBoundingClientRect();
    const arrows = [...document.querySelectorAll('section[aria-label="Sequence diagram"] g.arrow')];
    const last = arrows[arrows.length - 1].getBoundingClientRect();
    const y = dot.top + dot.height / 2;
    return { inside: y >= last.top && y <= last.bottom, y: y + (document.querySelector('.diagram-scroll') as HTMLElement).scrollTop };
  });
  await expect.poll(async () => (await onNewest()).inside).toBe(true);
  const first = await onNewest();
  await studio.shot('presenter-held-credential-1024x768');

  await page.keyboard.press(' ');
  await expect(paceHint(studio)).toBeHidden();
  await studio.expectSucceeded();
  await expect(caption(studio)).toContainText('Done');
  await expect.poll(async () => (await onNewest()).inside).toBe(true);
  expect((await onNewest()).y).toBeGreaterThan(first.y); // it moved down to the arrows that came after
  await studio.shot('presenter-done-1024x768');
});

test('a lesson waits where its failure shows and where the remedy works; outside presenter mode Play never waits', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize(PROJECTOR);
  await studio.setAutopilot(true);
  await page.getByLabel('Failure scenario').selectOption({ label: 'Replayed ID-JAG' });
  await page.locator('h1').click({ force: true }); // leave the select, so P is a shortcut
  await page.keyboard.press('p');
  await studio.play();
  expect(await held(studio)).toMatch(/issued a credential/);
  await page.keyboard.press(' ');
  await expect(caption(studio)).toContainText('The failure this lesson is about: the answer was replay_detected.');
  await expect(caption(studio).locator('.pace-hint')).toBeVisible();
  await studio.shot('presenter-held-failure-1024x768');
  // The caption in its "failure" colours still meets AA contrast (WCAG 1.4.3) from the back of the room.
  expect((await lowContrastTexts(page)).filter((t) => /caption|pace/i.test(t.where))).toEqual([]);
  await page.keyboard.press(' ');
  await expect(caption(studio)).toContainText('The remedy worked');
  await continueToSuccess(studio);

  // The same lesson outside presenter mode plays to the end without a stop.
  await page.keyboard.press('p');
  await expect(studio.button('Presenter')).toHaveAttribute('aria-pressed', 'false');
  await studio.button('Reset').click();
  await studio.play();
  await studio.expectSucceeded();
  await expect(paceHint(studio)).toHaveCount(0);
});

test('the laser pointer holds still under prefers-reduced-motion', async ({ studio }) => {
  const { page } = studio;
  await presentIdJag(studio);
  await studio.play();
  await held(studio);
  const motion = () => page.evaluate(() => ({
    pulse: getComputedStyle(document.querySelector('g.laser .laser-halo')!).animationName,
    glide: getComputedStyle(document.querySelector('g.laser')!).transitionDuration,
  }));
  expect(await motion()).toEqual({ pulse: 'laser-pulse', glide: '0.35s' });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await motion()).toEqual({ pulse: 'none', glide: '0s' });
});

test('readable on a 1024×768 projector: every text at 1.5× or more, nothing cut off, no sideways scroll', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize(PROJECTOR);
  await studio.setAutopilot(true);
  await studio.chooseFlow('ID-JAG');
  // Read the usual sizes from a run on screen, then the presenter's.
  await studio.play();
  await studio.expectSucceeded();
  const TEXTS = {
    label: 'g.arrow text.req-label', answer: 'g.arrow text.res-label', band: 'text.band-title', lifeline: '.lifeline-head',
    pane: 'section[aria-label="Agent"] .pane-head h2', narration: '.narration li',
  };
  const sizes = () => page.evaluate((sel) => Object.fromEntries(Object.entries(sel).map(([k, s]) =>
    [k, parseFloat(getComputedStyle(document.querySelector(s)!).fontSize)])), TEXTS);
  const usual = await sizes();
  const notesPx = await page.locator('.step-notes').evaluate((n) => parseFloat(getComputedStyle(n).fontSize));
  await page.keyboard.press('p');
  await expect(caption(studio)).toBeVisible();
  const big = await sizes();
  for (const k of Object.keys(TEXTS)) expect(big[k] / usual[k], `${k}: ${usual[k]} → ${big[k]} px`).toBeGreaterThanOrEqual(1.5);
  const captionPx = await caption(studio).evaluate((c) => parseFloat(getComputedStyle(c).fontSize));
  expect(captionPx / notesPx).toBeGreaterThanOrEqual(1.5); // the caption stands in for the step notes

  expect(await scrollsSideways(page)).toBe(false);
  // Nothing cut off: the caption and the pane in the window, lifeline heads whole and apart, arrow labels whole.
  await expect(caption(studio)).toBeInViewport({ ratio: 1 });
  await expect(studio.agent.locator('.pane-head')).toBeInViewport({ ratio: 1 });
  const heads = await page.evaluate(() => [...document.querySelectorAll('.lifeline-head')].map((h) => {
    const r = h.getBoundingClientRect();
    return { text: h.textContent, left: r.left, right: r.right, cut: h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1 };
  }));
  expect(heads.filter((h) => h.cut)).toEqual([]);
  for (let i = 1; i < heads.length; i++) expect(heads[i].left, `${heads[i - 1].text} / ${heads[i].text}`).toBeGreaterThanOrEqual(heads[i - 1].right);
  const cut = await studio.arrows.evaluateAll((arrows) => arrows.filter((g) => {
    const t = g.querySelector('text.req-label');
    return t && (t.textContent ?? '').includes('…') && !(g.getAttribute('aria-label') ?? '').startsWith(`${t.textContent} from`);
  }).length);
  expect(cut).toBe(0);
  expect(await overlappingBandHeads(studio)).toEqual([]);
  await studio.shot('presenter-readable-1024x768');
});
