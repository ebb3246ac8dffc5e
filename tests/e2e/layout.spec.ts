import type { Page } from '@playwright/test';
import { expect, test, type Studio } from './studio';

/**
 * The studio's page fits its window and gives the sequence diagram the room (issue 16): splitters
 * that drag, answer the keyboard and are remembered, side columns that collapse and come back, a
 * person's turn that never moves the diagram, and a 150 % zoom on 1280×800 with nothing cut off.
 */

const SIZES = [{ width: 1024, height: 700 }, { width: 1280, height: 800 }] as const;

async function width(studio: Studio) {
  return (await studio.diagram.boundingBox())!.width;
}
const separator = (page: Page, name: string) => page.getByRole('separator', { name });

for (const size of SIZES) {
  test(`a splitter drags, answers the keyboard, and the sizes survive a reload (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    const before = await width(studio);

    // Drag the details column's splitter 120 px to the right: the diagram gets those 120 px.
    const right = separator(page, 'Resize the details column');
    const box = (await right.boundingBox())!;
    const startRight = Number(await right.getAttribute('aria-valuenow'));
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect(right).toHaveAttribute('aria-valuenow', String(Math.max(260, startRight - 120)));
    const dragged = await width(studio);
    expect(dragged).toBeGreaterThan(before + 40);

    // The keyboard: Shift+→ on the sidebar's splitter widens it by 64 px, ← narrows it by 16; the diagram gives the difference.
    const side = separator(page, 'Resize the flows and steps');
    await expect(side).toHaveAttribute('aria-orientation', 'vertical');
    const startSide = Number(await side.getAttribute('aria-valuenow'));
    await side.focus();
    await page.keyboard.press('Shift+ArrowRight');
    await expect(side).toHaveAttribute('aria-valuenow', String(startSide + 64));
    await page.keyboard.press('ArrowLeft');
    await expect(side).toHaveAttribute('aria-valuenow', String(startSide + 64 - 16));
    expect(await width(studio)).toBeCloseTo(dragged - 48, 0);
    // The splitter keeps its arrows: → on it never reached the studio's "→ = Next step" shortcut.
    await expect(studio.arrows).toHaveCount(0);
    const keyed = await width(studio);

    // The row of the person's panes: ↑ makes it taller (its splitter is horizontal).
    const panes = separator(page, 'Resize your panes');
    await expect(panes).toHaveAttribute('aria-orientation', 'horizontal');
    const startPanes = Number(await panes.getAttribute('aria-valuenow'));
    await panes.focus();
    await page.keyboard.press('ArrowUp');
    await expect(panes).toHaveAttribute('aria-valuenow', String(startPanes + 16));
    const panesBox = (await page.getByRole('region', { name: 'You (the user)' }).boundingBox())!;

    await page.reload();
    await expect(studio.button('ID-JAG')).toBeVisible();
    expect(await width(studio)).toBeCloseTo(keyed, 0);
    await expect(separator(page, 'Resize the flows and steps')).toHaveAttribute('aria-valuenow', String(startSide + 48));
    expect((await page.getByRole('region', { name: 'You (the user)' }).boundingBox())!.height).toBeCloseTo(panesBox.height, 0);

    // A double-click puts a splitter back to its default.
    await separator(page, 'Resize the flows and steps').dblclick();
    await expect(separator(page, 'Resize the flows and steps')).toHaveAttribute('aria-valuenow', String(startSide));
    await studio.shot(`layout-resized-${size.width}`);
  });

  test(`the sidebar and the details column collapse and come back (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    const full = await width(studio);

    await studio.button('Hide the flows and steps').click();
    await expect(studio.button('ID-JAG')).toBeHidden();
    const noSidebar = await width(studio);
    expect(noSidebar).toBeGreaterThan(full + 150);
    await studio.button('Hide the details column').click();
    await expect(page.getByRole('tab', { name: 'Inspector' })).toBeHidden();
    expect(await width(studio)).toBeGreaterThan(noSidebar + 250);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await studio.shot(`layout-collapsed-${size.width}`);

    // Collapsed stays collapsed after a reload; the thin edge buttons bring each column back.
    await page.reload();
    await expect(studio.button('Show the flows and steps')).toBeVisible();
    await studio.button('Show the flows and steps').click();
    await expect(studio.button('ID-JAG')).toBeVisible();
    await studio.button('Show the details column').click();
    await expect(page.getByRole('tab', { name: 'Inspector' })).toBeVisible();
    expect(await width(studio)).toBeCloseTo(full, 0);

    // Home on a splitter collapses its column, End restores it.
    const side = separator(page, 'Resize the flows and steps');
    await side.focus();
    await page.keyboard.press('Home');
    await expect(studio.button('ID-JAG')).toBeHidden();
    await expect(side).toBeHidden();
    await studio.button('Show the flows and steps').focus();
    await studio.button('Show the flows and steps').press('Enter');
    await expect(studio.button('ID-JAG')).toBeVisible();
    const right = separator(page, 'Resize the details column');
    const value = await right.getAttribute('aria-valuenow');
    await right.focus();
    await page.keyboard.press('Home');
    await expect(right).toBeHidden();
    await studio.button('Show the details column').click();
    await expect(separator(page, 'Resize the details column')).toHaveAttribute('aria-valuenow', value!);
  });

  test(`the person's turn never moves the diagram or the row of their panes (${size.width}×${size.height}, Verified email, step mode)`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(false);
    await studio.chooseFlow('Verified email');
    const row = page.getByRole('region', { name: 'You (the user)' });
    const asks = studio.agent.getByRole('group', { name: 'The agent asks you' });

    // The agent working: one step, nobody's turn yet.
    await studio.button('Next step').click();
    await expect(studio.arrows).not.toHaveCount(0);
    await expect(page.getByText('Your turn')).toHaveCount(0);
    const working = { diagram: await studio.diagram.boundingBox(), row: await row.boundingBox() };

    // Next step until the agent asks the person: their turn, the agent pane lit.
    for (let i = 0; i < 12 && !(await asks.isVisible()); i++) {
      await expect(studio.button('Next step')).toBeEnabled();
      await studio.button('Next step').click();
    }
    await expect(asks).toBeVisible();
    await expect(studio.agent.getByText('Your turn')).toBeVisible();
    expect(await studio.diagram.boundingBox()).toEqual(working.diagram);
    expect(await row.boundingBox()).toEqual(working.row);

    // And again when the turn passes to the browser pane.
    await asks.getByRole('button', { name: /Yes/ }).click();
    const mail = studio.inbox.getByRole('button', { name: /New mail/ });
    for (let i = 0; i < 12 && !(await mail.isVisible()); i++) {
      await expect(studio.button('Next step')).toBeEnabled();
      await studio.button('Next step').click();
    }
    await studio.inbox.getByRole('button', { name: /New mail/ }).click();
    await studio.inbox.getByRole('button', { name: 'Open link' }).click();
    // The claim page is the person's turn at once, in step mode too (tests/e2e/step-turn.spec.ts).
    const browserTurn = studio.browser.getByText('Your turn');
    await expect(browserTurn).toBeVisible();
    expect(await studio.diagram.boundingBox()).toEqual(working.diagram);
    expect(await row.boundingBox()).toEqual(working.row);
    await studio.shot(`layout-your-turn-${size.width}`);
  });
}

test('remembered sizes give way when the window shrinks: no sideways scroll, the diagram keeps its room', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1440, height: 900 });
  // The widest side columns and the tallest panes row the big window allows.
  for (const name of ['Resize the flows and steps', 'Resize the details column']) {
    const sep = separator(page, name);
    await sep.focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press(name.includes('flows') ? 'Shift+ArrowRight' : 'Shift+ArrowLeft');
  }
  await separator(page, 'Resize your panes').focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('Shift+ArrowUp');
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.reload();
  await expect(studio.button('ID-JAG')).toBeVisible();
  expect(await page.evaluate(() => [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight])).toEqual([0, 0]);
  expect(await width(studio)).toBeGreaterThanOrEqual(360 - 2); // CENTER_MIN, less the centre column's 1 px borders
  expect((await studio.diagram.boundingBox())!.height).toBeGreaterThan(60);
  for (const name of ['Resize the flows and steps', 'Resize the details column', 'Resize your panes']) {
    const sep = separator(page, name);
    expect(Number(await sep.getAttribute('aria-valuenow')), name).toBeLessThanOrEqual(Number(await sep.getAttribute('aria-valuemax')));
  }
  expect(await cutOffButtons(page)).toEqual([]);
  await studio.shot('layout-shrunk-1024');
});

/** Every button of the topbar and the panes lies inside the window, or inside the scrolling pane it belongs to. */
async function cutOffButtons(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const buttons = document.querySelectorAll<HTMLElement>('.topbar button, .topbar summary, .topbar select, .app .work button, .user-panes button, [role="separator"]');
    for (const el of buttons) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('details:not([open]) > :not(summary)')) continue;
      let x = true; let y = true; // still checking this axis
      let box = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
      for (let a = el.parentElement; a && (x || y); a = a.parentElement) {
        const s = getComputedStyle(a);
        const clipsX = s.overflowX !== 'visible'; const clipsY = s.overflowY !== 'visible';
        if (!clipsX && !clipsY) continue;
        const ar = a.getBoundingClientRect();
        // A scrolling ancestor can bring the button into view: the axis is fine from here up.
        if (clipsX && x && (s.overflowX === 'auto' || s.overflowX === 'scroll')) { if (ar.left >= -1 && ar.right <= innerWidth + 1) x = false; }
        else if (clipsX && x && (r.left < ar.left - 1 || r.right > ar.right + 1)) box = { ...box, left: Infinity };
        if (clipsY && y && (s.overflowY === 'auto' || s.overflowY === 'scroll')) { if (ar.top >= -1 && ar.bottom <= innerHeight + 1) y = false; }
        else if (clipsY && y && (r.top < ar.top - 1 || r.bottom > ar.bottom + 1)) box = { ...box, top: Infinity };
      }
      const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30);
      if ((x && (r.left < box.left - 1 || r.right > box.right + 1)) || (y && (r.top < box.top - 1 || r.bottom > box.bottom + 1)))
        bad.push(`${name} [${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}]`);
    }
    return bad;
  });
}

test.describe('150 % zoom on a 1280×800 screen (853×533 CSS px)', () => {
  test.use({ viewport: { width: 853, height: 533 }, deviceScaleFactor: 1.5 });

  test('no sideways scroll and no control cut off, idle and in each of the person\'s turns', async ({ studio }) => {
    const { page } = studio;
    const overflow = () => page.evaluate(() => [document.documentElement.scrollWidth - innerWidth, document.documentElement.scrollHeight - innerHeight]);
    expect(await overflow()).toEqual([0, 0]);
    expect(await cutOffButtons(page)).toEqual([]);
    await studio.shot('layout-zoom150-idle');

    await studio.setAutopilot(false);
    await studio.chooseFlow('Verified email');
    await studio.play();
    const asks = studio.agent.getByRole('group', { name: 'The agent asks you' });
    await expect(asks).toBeVisible();
    expect(await overflow()).toEqual([0, 0]);
    expect(await cutOffButtons(page)).toEqual([]);
    await studio.shot('layout-zoom150-asks');
    await asks.getByRole('button', { name: /Yes/ }).click();
    await studio.inbox.getByRole('button', { name: /New mail/ }).click();
    await studio.inbox.getByRole('button', { name: 'Open link' }).click();
    await expect(studio.browser.getByText('Your turn')).toBeVisible();
    expect(await overflow()).toEqual([0, 0]);
    expect(await cutOffButtons(page)).toEqual([]);
    await studio.shot('layout-zoom150-claim');

    // The ID-JAG consent page: its buttons are in the consent pane, which scrolls.
    await studio.button('Reset').click();
    await studio.chooseFlow('ID-JAG');
    await studio.play();
    await expect(studio.consent.getByText('Your turn')).toBeVisible();
    expect(await overflow()).toEqual([0, 0]);
    expect(await cutOffButtons(page)).toEqual([]);
    await studio.shot('layout-zoom150-consent');
  });
});
