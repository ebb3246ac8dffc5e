import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test, type Studio } from './studio';

/**
 * axe-core on every main view of the studio (issue 16: "0 serious or critical violations"), at the
 * Electron minimum window and at a laptop's: WCAG 2.0/2.1 A and AA plus axe's best practices. The
 * framed pages (consent, mail, claim) are checked where they are shown, and the pages the roles
 * serve are also opened on their own, as a person's real browser would. Contrast has its own,
 * finer measure (contrast.spec.ts); axe's color-contrast rule runs here too.
 */

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Serious and critical violations on the page as it is now (or in `scope`), one readable line per
 * offending node. label-content-name-mismatch (WCAG 2.5.3) is still "experimental" in axe, so off by
 * default: it is turned on, since the diagram's arrows are buttons whose visible label must be in their name.
 */
async function axeFindings(page: Page, scope?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).withTags(TAGS);
  if (scope) builder = builder.include(scope);
  const { violations } = await builder.analyze();
  if (process.env.AXE_VERBOSE) {
    for (const v of violations.filter((x) => x.impact !== 'serious' && x.impact !== 'critical'))
      console.log(`  (${v.impact}) ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' >>> ')).join(', ')}`);
  }
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id}: ${v.help} — ${n.target.join(' >>> ')}`));
}

/** Run axe on each view in turn, keep what each one reports, and fail once at the end with all of it. */
class Audit {
  readonly found: Record<string, string[]> = {};
  constructor(private readonly page: Page, private readonly size: string) {}
  /** `scope`: an overlay (a dialog, a menu) is checked alone; the page behind it was checked before. */
  async check(view: string, { page = this.page, scope }: { page?: Page; scope?: string } = {}) {
    const t0 = Date.now();
    const findings = await axeFindings(page, scope);
    if (process.env.AXE_VERBOSE) console.log(`${view}: ${Date.now() - t0} ms`);
    if (findings.length) this.found[`${view} (${this.size})`] = findings;
  }
  expectClean() {
    expect(this.found, 'axe: serious or critical violations, by view (rule: help — selector)').toEqual({});
  }
}

/** A server's own page, opened in its own tab as a person's browser would show it. */
async function checkAlone(audit: Audit, studio: Studio, view: string, url: string) {
  const tab = await studio.page.context().newPage();
  await tab.goto(url);
  await audit.check(view, { page: tab });
  await tab.close();
}

/** The person's panes, and the right column: checked alone once the page around them was checked whole. */
const PANES = 'section[aria-label="You (the user)"]';
const RIGHT = '[role=tabpanel]';

const frameUrl = (studio: Studio, title: string) =>
  studio.page.locator(`iframe[title="${title}"]`).evaluate((f: HTMLIFrameElement) => f.src);

for (const size of [{ width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  const at = `${size.width}×${size.height}`;

  test(`axe: ID-JAG views — first visit, consent, inspector, state tabs, dialogs, history, presenter (${at})`, async ({ studio }) => {
    const { page } = studio;
    await page.emulateMedia({ reducedMotion: 'reduce' }); // arrows drawn at once, not mid fade-in
    await page.setViewportSize(size);
    const audit = new Audit(page, at);
    await audit.check('first visit');
    await studio.openServiceState(); // empty roles: nothing to press in the pane, which may still scroll
    await audit.check('Service state, empty', { scope: RIGHT });
    await page.getByRole('tab', { name: 'Inspector' }).click();

    await studio.setAutopilot(false);
    await studio.chooseFlow('ID-JAG');
    await studio.play();
    await expect(studio.consent.getByText('Your turn')).toBeVisible();
    await expect(studio.consentPage.getByRole('button', { name: 'Allow once' })).toBeVisible();
    await audit.check('consent pane, your turn');
    if (size.width === 1024) await checkAlone(audit, studio, "the provider's consent page", await frameUrl(studio, 'Consent prompt page'));
    await studio.consentPage.getByRole('button', { name: 'Allow once' }).click();
    await studio.expectSucceeded();

    await studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/).click();
    await expect(studio.inspector.getByLabel('Status 200 OK')).toBeVisible();
    await audit.check('finished run, arrow in the inspector');
    await studio.shot(`axe-inspector-${size.width}`);
    await studio.openServiceState();
    await audit.check('Service state', { scope: RIGHT });
    await page.getByRole('tab', { name: 'Provider' }).click();
    await expect(studio.region('Provider state')).toBeVisible();
    await audit.check('Provider state', { scope: RIGHT });

    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await audit.check('keyboard shortcuts dialog', { scope: 'dialog[open]' });
    await page.keyboard.press('Escape');

    await page.getByText('History', { exact: true }).click();
    await expect(page.getByRole('group', { name: 'Run history' }).getByRole('button').first()).toBeVisible();
    await audit.check('history menu', { scope: 'details[open]' });
    await page.getByText('History', { exact: true }).click();

    await page.keyboard.press('p');
    await expect(studio.button('Presenter')).toHaveAttribute('aria-pressed', 'true');
    await audit.check('presenter mode');
    await page.keyboard.press('p');
    await expect(studio.button('Presenter')).toHaveAttribute('aria-pressed', 'false');

    await page.getByRole('button', { name: 'What changed?' }).click();
    await expect(page.getByRole('dialog', { name: 'What changed from v0.1 to v0.6' })).toBeVisible();
    await audit.check('What changed?', { scope: 'dialog[open]' });
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'What changed from v0.1 to v0.6' })).toBeHidden();

    await studio.button('Test a service').click();
    const conformance = page.getByRole('dialog', { name: 'Test a service' });
    await expect(conformance).toBeVisible();
    await audit.check('Test a service', { scope: 'dialog[open]' });
    await page.keyboard.press('Escape');
    await expect(conformance).toBeHidden();

    await page.getByLabel('Failure scenario').selectOption({ label: 'Consent denied' });
    await expect(page.getByRole('region', { name: 'Lesson briefing' })).toBeVisible();
    await audit.check('lesson briefing', { scope: 'main' });
    audit.expectClean();
  });

  test(`axe: the person's panes — the question, the inbox with a mail open, the claim page and its code (${at})`, async ({ studio }) => {
    const { page } = studio;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.setViewportSize(size);
    const audit = new Audit(page, at);
    await studio.setAutopilot(false);
    await studio.chooseFlow('Verified email');
    await studio.play();
    const question = studio.agent.getByRole('group', { name: 'The agent asks you' });
    await expect(question).toBeVisible();
    await audit.check('agent asks a question');
    await question.getByRole('button', { name: 'Yes, use my email' }).click();

    await studio.inbox.getByRole('button', { name: /New mail/ }).click();
    await expect(studio.inbox.getByRole('button', { name: 'Open link' })).toBeVisible();
    await expect(page.frameLocator('iframe[title="Mail content"]').getByText(/Reveal code/).first()).toBeVisible();
    await audit.check('inbox, a mail open', { scope: PANES });
    await studio.inbox.getByRole('button', { name: 'Open link' }).click();
    await expect(studio.browserPage.getByRole('button', { name: 'Reveal code' })).toBeVisible();
    await audit.check('browser pane, the claim page', { scope: PANES });
    if (size.width === 1024) await checkAlone(audit, studio, "the service's v0.1 claim page", await frameUrl(studio, "User's browser page"));
    const code = await studio.revealCode();
    await studio.agent.getByLabel('One-time code').fill(code);
    await audit.check('the code revealed in the browser pane and typed in the agent pane', { scope: PANES });
    await studio.agent.getByRole('button', { name: 'Send code to agent' }).click();
    await studio.expectSucceeded();
    audit.expectClean();
  });
}

test("axe: v0.6 — the service's own /login and claim pages, in the browser pane and on their own", async ({ studio }) => {
  const { page } = studio;
  await page.emulateMedia({ reducedMotion: 'reduce' });
  // The Electron minimum window: the pages are framed at their smallest (their compact CSS); alone they open at 1280×800.
  await page.setViewportSize({ width: 1024, height: 700 });
  const audit = new Audit(page, '1024×700');
  await page.getByRole('group', { name: 'Protocol' }).getByRole('button', { name: 'v0.6', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('status', { name: 'Protocol v0.6 live' })).toBeVisible();
  await studio.setAutopilot(false);
  await studio.button('Service auth').click();
  await expect(studio.button('Service auth')).toHaveAttribute('aria-pressed', 'true');
  await studio.play();
  await studio.agent.getByRole('group', { name: 'The agent asks you' }).getByRole('button', { name: /^Yes/ }).click();
  const handover = studio.agent.getByRole('group', { name: 'The agent hands you a code and a link' });
  await expect(handover).toBeVisible({ timeout: 45_000 });
  await audit.check('agent hands over a code and a link');
  const userCode = (await handover.locator('output').textContent())!.trim();
  expect(userCode).toMatch(/^\d{6}$/);
  await handover.getByRole('button', { name: 'Open the link' }).click();
  await expect(studio.browserPage.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await audit.check('browser pane, the v0.6 /login page', { scope: PANES });
  await checkAlone(audit, studio, "the service's v0.6 /login page", await frameUrl(studio, "User's browser page"));
  // Sign in as the person the claim is for (the agent registered with alice@example.com), as flows do by hand.
  await studio.browserPage.getByLabel('Email').fill('alice@example.com');
  await studio.browserPage.getByRole('button', { name: 'Sign in', exact: true }).click();
  const codeField = studio.browserPage.getByLabel('Code from your agent');
  await expect(codeField).toBeVisible();
  const claimUrl = await page.frames().find((f) => /\/claim/.test(f.url()))?.url();
  expect(claimUrl, 'the claim page is loaded in the browser pane').toBeTruthy();
  await checkAlone(audit, studio, "the service's v0.6 claim page", claimUrl!);
  await codeField.fill(userCode);
  await audit.check('browser pane, the v0.6 claim page, the code typed', { scope: PANES });
  await studio.browserPage.getByRole('button', { name: 'Confirm' }).click();
  await studio.expectSucceeded();
  await studio.shot('axe-v06-done-1024'); // the claim polls drawn as one arrow "×N": its count beside the label
  audit.expectClean();
});
