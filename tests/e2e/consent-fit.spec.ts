import { continueToSuccess } from './presenter';
import { expect, test } from './studio';

/**
 * The provider's consent page in the studio's consent pane: at the Electron minimum (1024×700) and
 * in presenter mode at 150 % zoom (853×533) every answer button shows its whole label — not
 * "Allow on…" / "Always …" (issue 16) — and all three are in view without scrolling.
 */
for (const { size, presenter } of [
  { size: { width: 1024, height: 700 }, presenter: false },
  { size: { width: 853, height: 533 }, presenter: true },
]) {
  test(`the consent buttons are whole and in view (${size.width}×${size.height}${presenter ? ', presenter mode' : ''})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(false);
    await studio.chooseFlow('ID-JAG');
    if (presenter) await studio.button('Presenter').click();
    await studio.play();
    await expect(studio.consent.getByText('Your turn')).toBeVisible();
    for (const name of ['Allow once', 'Always allow', 'Deny']) {
      const button = studio.consentPage.getByRole('button', { name });
      await expect(button).toBeInViewport({ ratio: 1 });
      // Cut text (ellipsis, overflow) is wider than its box.
      expect(await button.evaluate((b) => b.scrollWidth <= b.clientWidth && b.scrollHeight <= b.clientHeight), name).toBe(true);
    }
    // …and the studio around it does not scroll sideways either.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await studio.shot(`consent-buttons-${size.width}`);
    await studio.consentPage.getByRole('button', { name: 'Allow once' }).click();
    if (presenter) await continueToSuccess(studio); // presenter mode's pace waits at the credential: Space goes on
    await studio.expectSucceeded();
  });
}
