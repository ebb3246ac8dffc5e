import { mkdirSync } from 'node:fs';
import { test as base, expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/** The studio as a person sees it: its regions, by the names a screen reader announces. */
export class Studio {
  constructor(readonly page: Page) {}

  region(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }
  get diagram() { return this.region('Sequence diagram'); }
  get inspector() { return this.region('Inspector'); }
  get agent() { return this.region('Agent'); }
  get inbox() { return this.region('Inbox'); }
  get browser() { return this.region("User's browser"); }
  get consent() { return this.region('Consent prompt'); }
  get consentPage() { return this.page.frameLocator('iframe[title="Consent prompt page"]'); }
  get browserPage() { return this.page.frameLocator(`iframe[title="User's browser page"]`); }
  /** Every request arrow drawn in the diagram. */
  get arrows() { return this.diagram.locator('g.arrow:not(.answer)'); }
  arrow(name: RegExp) { return this.diagram.getByRole('button', { name }); }
  button(name: string) { return this.page.getByRole('button', { name, exact: true }); }

  async chooseFlow(name: 'ID-JAG' | 'Verified email' | 'Anonymous' | 'Revocation') {
    await this.button(name).click();
    await expect(this.button(name)).toHaveAttribute('aria-pressed', 'true');
  }

  async setAutopilot(on: boolean) {
    const toggle = this.button('Autopilot');
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(on));
  }

  async play(speed: 'Slow' | 'Normal' | 'Fast' = 'Fast') {
    await this.page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: speed });
    await this.button('Play').click();
  }

  async expectSucceeded() {
    await expect(this.agent.getByText('Succeeded', { exact: true })).toBeVisible({ timeout: 45_000 });
  }

  /** Read the one-time code the service's claim page shows, after pressing its button. */
  async revealCode(): Promise<string> {
    await this.browserPage.getByRole('button', { name: 'Reveal code' }).click();
    const code = this.browserPage.locator('.code');
    await expect(code).toHaveText(/^\d{6}$/);
    return (await code.textContent())!.trim();
  }

  async openServiceState() {
    await this.page.getByRole('tab', { name: 'Service' }).click();
    return this.region('Service state');
  }

  async shot(name: string) {
    mkdirSync('test-results/screenshots', { recursive: true });
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png` });
  }
}

/** The studio API's per-launch token, read from the studio page the way the renderer reads it (src-renderer/api.ts). */
export async function studioToken(request: APIRequestContext, studioUrl: string): Promise<string> {
  const page = await (await request.get(studioUrl)).text();
  const token = page.match(/<meta name="studio-token" content="([^"]+)">/)?.[1];
  if (!token) throw new Error(`the studio page at ${studioUrl} carries no studio-token meta tag`);
  return token;
}

/** "Reset all data" through the studio API, as the page's button does it. */
export async function resetAll(request: APIRequestContext, studioUrl: string) {
  return request.post(`${studioUrl}/studio/api/reset`, { headers: { 'x-studio-token': await studioToken(request, studioUrl) } });
}

/** Each test starts from empty roles (reset through the studio API) and a freshly loaded window. */
export const test = base.extend<{ studio: Studio }>({
  studio: async ({ page, request }, use) => {
    const url = process.env.STUDIO_URL;
    if (!url) throw new Error('STUDIO_URL is not set: the global setup did not start the studio');
    const reset = await resetAll(request, url);
    expect(reset.ok()).toBe(true);
    await page.goto(url);
    const studio = new Studio(page);
    await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
    await expect(studio.button('ID-JAG')).toBeVisible();
    await use(studio);
  },
});

export { expect };
