import { expect, test } from './studio';

/**
 * Lessons open with a briefing (issue 16): in "Consent denied" the person is told to press Deny,
 * and doing what the screen says ends in "Lesson complete" — never "did not go as planned".
 */
for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 700 }]) {
  test(`"Consent denied" briefs the person, and following the hints completes the lesson (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(false);
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: 'Fast' });
    await page.getByLabel('Failure scenario').selectOption({ label: 'Consent denied' });

    const briefing = page.getByRole('region', { name: 'Lesson briefing' });
    await expect(briefing).toBeVisible();
    await expect(briefing.getByRole('heading', { name: 'Lesson · Consent denied' })).toBeVisible();
    await expect(briefing).toContainText('press "Deny"');
    await expect(briefing).toContainText('The remedy');
    for (const name of ['Play the lesson', 'Step through it']) await expect(briefing.getByRole('button', { name })).toBeInViewport({ ratio: 1 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
    await studio.shot(`briefing-consent-denied-${size.width}`);

    await briefing.getByRole('button', { name: 'Play the lesson' }).click();
    await expect(briefing).toHaveCount(0);
    // Folded to one line that still says what to do.
    await expect(page.getByText(/Lesson · Consent denied/).first()).toBeVisible();
    await expect(studio.consent.getByText('Your turn')).toBeVisible();
    await expect(studio.consent).toContainText('press "Deny"');
    await studio.consentPage.getByRole('button', { name: 'Deny' }).click();
    await expect(studio.agent.getByText(/Lesson complete/).first()).toBeVisible({ timeout: 45_000 });
    await expect(page.getByText(/did not go as planned/)).toHaveCount(0);
  });
}
