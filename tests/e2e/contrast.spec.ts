import { lowContrastTexts } from './contrast';
import { expect, test } from './studio';

/**
 * WCAG 2.x AA contrast (1.4.3) for every text the studio draws, on the views a visitor and a
 * presenter see: a fresh start, a run in progress (greyed "to come" steps, pending bands), a step
 * under review (the other steps dimmed), the inspector, the roles' state and the shortcuts dialog.
 */
for (const size of [{ width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  test(`every text meets AA contrast at ${size.width}×${size.height}`, async ({ studio }) => {
    const { page } = studio;
    await page.emulateMedia({ reducedMotion: 'reduce' }); // arrows drawn at once, not mid fade-in
    await page.setViewportSize(size);
    const views: Record<string, unknown> = {};
    views['fresh start'] = await lowContrastTexts(page);

    await studio.setAutopilot(false);
    await studio.chooseFlow('ID-JAG');
    await studio.button('Next step').click();
    await expect(studio.arrows).not.toHaveCount(0);
    await expect(page.getByRole('navigation', { name: 'Steps' }).locator('button.step:disabled').first()).toBeVisible();
    views['run in progress'] = await lowContrastTexts(page);
    await studio.shot(`contrast-in-progress-${size.width}`);

    await page.getByRole('navigation', { name: 'Steps' }).locator('button.step').first().click();
    await expect(studio.button('Back to live')).toBeVisible();
    views['step under review'] = await lowContrastTexts(page);
    await studio.shot(`contrast-review-${size.width}`);
    await studio.button('Back to live').click();

    await studio.setAutopilot(true);
    await studio.play();
    await studio.expectSucceeded();
    await studio.arrows.first().click();
    views['inspector'] = await lowContrastTexts(page);
    await studio.openServiceState();
    views['service state'] = await lowContrastTexts(page);
    await page.getByRole('tab', { name: 'Provider' }).click();
    views['provider state'] = await lowContrastTexts(page);
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog')).toBeVisible();
    views['shortcuts dialog'] = await lowContrastTexts(page);

    const failing = Object.fromEntries(Object.entries(views).filter(([, v]) => (v as unknown[]).length));
    expect(failing).toEqual({});
  });
}
