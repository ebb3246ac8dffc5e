import { expect, test } from './studio';

/**
 * Autopilot acts visibly: an audience watching it play the person sees the consent page and the
 * button pressed, the mail opened, the claim page and the code revealed — and showing them sends
 * no request of the studio's own (the diagram holds only the requests autopilot made).
 */
for (const size of [{ width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  test(`ID-JAG under Autopilot shows the consent page and the button it pressed (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(true);
    await studio.chooseFlow('ID-JAG');
    await studio.play();
    await expect(studio.consent.getByRole('status')).toHaveText(/^Autopilot pressed “(Allow once|Always allow)”\.$/, { timeout: 45_000 });
    const pressed = studio.consentPage.locator('button[data-autopilot-pressed]');
    await expect(pressed).toHaveText(/^(Allow once|Always allow)$/);
    await studio.expectSucceeded();
    await expect(studio.consent.getByText('No consent request')).toHaveCount(0);
    // One look at the consent page: autopilot's own, not a second load by the pane.
    await expect(studio.arrow(/^GET \/consent\?.* from User to Provider/)).toHaveCount(1);
    await studio.shot(`autopilot-visible-consent-${size.width}`);
  });

  test(`Verified email under Autopilot opens the mail, loads the link and shows the code (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(true);
    await studio.chooseFlow('Verified email');
    await studio.play();
    await studio.expectSucceeded();
    await expect(studio.inbox.getByRole('status')).toHaveText('Autopilot opened this mail.');
    await expect(studio.inbox.getByRole('article')).toBeVisible();
    await expect(studio.browser.getByRole('status')).toHaveText(/^Autopilot pressed “Reveal code”/);
    await expect(studio.browser.getByRole('textbox', { name: 'Address' })).toHaveValue(/\/agent\/auth\/claim\/view\?token=/);
    await expect(studio.browserPage.locator('.code')).toHaveText(/^\d{6}$/);
    await expect(studio.browserPage.locator('#reveal[data-autopilot-pressed]')).toBeVisible();
    // Shown from the recorded answers: the studio loaded neither the mail page nor the claim page again.
    await expect(studio.arrow(/^GET \/messages\/[^ ]+\/html.* from User to Inbox/)).toHaveCount(0);
    await expect(studio.arrow(/^GET \/agent\/auth\/claim\/view\?… from User to Service/)).toHaveCount(1);
    await studio.shot(`autopilot-visible-email-${size.width}`);
  });
}
