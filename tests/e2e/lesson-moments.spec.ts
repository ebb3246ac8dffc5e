import { lowContrastTexts } from './contrast';
import { expect, test } from './studio';

/**
 * A lesson shows its failure and its remedy in the diagram (issue 16): the step where the failure
 * showed on the wire and the step where the remedy worked are marked on their bands, in words a
 * screen reader hears too.
 */
for (const size of [{ width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  test(`"Replayed ID-JAG": the failure and the remedy are marked on their steps' bands (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(true);
    await page.getByLabel('Failure scenario').selectOption({ label: 'Replayed ID-JAG' });
    await studio.play();
    await studio.expectSucceeded();

    const failure = studio.diagram.locator('g.band.band-moment-failure');
    const remedy = studio.diagram.locator('g.band.band-moment-remedy');
    await expect(failure).toHaveCount(1);
    await expect(remedy).toHaveCount(1);
    // The failure's band holds the answer that showed it; the remedy comes after it.
    await expect(failure.locator('g.arrow[aria-label*="answered 400"]').first()).toBeAttached();
    const [fy, ry] = [(await failure.boundingBox())!.y, (await remedy.boundingBox())!.y];
    expect(ry).toBeGreaterThan(fy);
    // Said in words on the band's button, and drawn beside its title where there is room.
    await expect(failure.getByRole('button', { name: /The failure this lesson is about: the answer was replay_detected/ })).toBeAttached();
    await expect(remedy.getByRole('button', { name: /The remedy worked/ })).toBeAttached();
    await failure.scrollIntoViewIfNeeded();
    await expect(failure.locator('.band-moment')).toContainText('⚠ the failure');
    await expect(remedy.locator('.band-moment')).toContainText('✓ the remedy');
    // Readable: the marks meet AA contrast on their band (WCAG 1.4.3).
    expect((await lowContrastTexts(page)).filter((t) => /moment/.test(t.where))).toEqual([]);
    await studio.shot(`lesson-moments-${size.width}`);
  });
}
