import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { lowContrastTexts } from './contrast';
import { expect, test } from './studio';

/** True when `el` scrolls sideways, or hides something cut off at its right edge (its overflow-x is hidden). */
const scrollsSideways = async (el: Locator) => {
  const wide = await el.evaluate((n) => {
    const right = n.getBoundingClientRect().right + 1;
    const cut = [...n.querySelectorAll('*')].filter((c) => c.getBoundingClientRect().right > right && getComputedStyle(c).position !== 'fixed');
    return { scrolls: n.scrollWidth > n.clientWidth + 1, cut: cut.map((c) => `${c.tagName.toLowerCase()}.${[...c.classList].join('.')}: ${(c.textContent ?? '').slice(0, 40)}`) };
  });
  return wide.scrolls || wide.cut.length ? wide : false;
};
/** axe-core's serious and critical findings inside `selector` (rule id and the nodes' targets). */
async function axeSerious(page: Page, selector: string) {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
/** axe's heading-order findings in the inspector (a moderate rule: a skipped heading level). */
async function headingOrder(page: Page) {
  const { violations } = await new AxeBuilder({ page }).include('section.inspector').withRules(['heading-order']).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
}
const pageScrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/**
 * The inspector on a par with xaa.dev and jwt.io (issue 16): Request / Response / Tokens / Code tabs
 * per exchange, driven by the keyboard; each JWT colour-split with the key that verified it and a
 * live expiry; code in three languages with a warning on one-time tokens; claims across tokens.
 */
for (const size of [{ width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  test(`inspector tabs, tokens, code and claims across tokens (${size.width}×${size.height})`, async ({ studio, context }) => {
    const { page } = studio;
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.setViewportSize(size);
    await studio.setAutopilot(true);
    await studio.chooseFlow('ID-JAG');
    await studio.play();
    await studio.expectSucceeded();

    await studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/).click();
    const inspector = studio.inspector;
    const tabs = inspector.getByRole('tablist', { name: 'Exchange details' });
    const tab = (name: string | RegExp) => tabs.getByRole('tab', { name });
    const panel = inspector.getByRole('tabpanel');
    // The ID-JAG travels in this request: Tokens is there, with its count, and shown first.
    await expect(tabs.getByRole('tab')).toHaveText(['Request', 'Response', /^Tokens\s*\(?1/, 'Code']);
    await expect(tab(/^Tokens/)).toHaveAttribute('aria-selected', 'true');
    await expect(panel).toHaveAttribute('aria-labelledby', 'insp-tab-tokens');
    // The header stays above the tabs whichever is shown.
    await expect(inspector.getByLabel('Status 200 OK')).toBeVisible();
    await expect(inspector).toContainText('Agent → Service');

    // Keyboard (WAI-ARIA APG tabs): arrows move and select, wrapping; Home and End; → is not "Next step" here.
    await tab(/^Tokens/).focus();
    await page.keyboard.press('ArrowRight');
    await expect(tab('Code')).toBeFocused();
    await expect(tab('Code')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowRight');
    await expect(tab('Request')).toBeFocused();
    await expect(panel).toContainText('POST http://');
    await page.keyboard.press('End');
    await expect(tab('Code')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Home');
    await expect(tab('Request')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowLeft');
    await expect(tab('Code')).toHaveAttribute('aria-selected', 'true');
    await expect(tabs.locator('[tabindex="0"]')).toHaveCount(1); // one tab stop for the whole list

    // Tokens: the compact form in three colours, masked while secrets are hidden.
    await tab(/^Tokens/).click();
    const jwt = panel.getByRole('article', { name: /Decoded oauth-id-jag\+jwt/ });
    const compact = jwt.locator('.jwt-compact');
    await expect(compact).toHaveAccessibleName(/Encoded token \(masked\)/);
    const colours = await compact.locator('span').evaluateAll((spans) => spans.map((s) => getComputedStyle(s).color));
    expect(colours).toHaveLength(3);
    expect(new Set(colours).size).toBe(3);
    await expect(compact.locator('.jwt-part-signature')).toHaveText(/•{6}/);
    // The key that verified it, as jwt.io shows it: kid, alg, the JWKS URI, the public key.
    const key = jwt.getByRole('group', { name: 'Verifying key' });
    await expect(key).toContainText(/Signature verified with key \S+ \(ES256\) from http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json/);
    await expect(key).toContainText(/kty\s*EC · P-256/);
    await expect(key.locator('dt', { hasText: /^x$/ })).toHaveCount(1);
    await expect(key.locator('dt', { hasText: /^y$/ })).toHaveCount(1);
    await expect(key.locator('dd').last()).toHaveText(/^[A-Za-z0-9_-]{43}$/); // RFC 7638 SHA-256 thumbprint
    // The countdown ticks (an ID-JAG lives minutes: PROTOCOL.md §6).
    const expiry = jwt.locator('.jwt-expiry');
    await expect(expiry).toHaveText(/expires in (\d+ min( \d+ s)?|\d+ s)/);
    await expect(expiry).toHaveAttribute('aria-live', 'off');
    const before = await expiry.textContent();
    await expect(expiry).not.toHaveText(before!);
    // Claims explained for this kind of token, as before.
    await expect(jwt).toContainText('Issuer: the agent provider that minted the token');
    expect(await scrollsSideways(panel)).toBe(false);
    expect(await lowContrastTexts(page)).toEqual([]);
    expect(await axeSerious(page, 'section.inspector')).toEqual([]);
    // Its headings follow the page's outline (h2 "Steps" → h3 here), so a screen reader's heading list makes sense.
    expect(await headingOrder(page)).toEqual([]);
    await studio.shot(`inspector-tokens-${size.width}`);
    await key.scrollIntoViewIfNeeded();
    await studio.shot(`inspector-key-${size.width}`);

    // Reveal secrets applies to every tab: the token whole, then its parts join back to a JWS.
    await inspector.getByRole('button', { name: 'Reveal secrets' }).click();
    await expect(compact).toHaveAccessibleName(/^Encoded token: /);
    const whole = (await compact.textContent())!.replace(/\s/g, '');
    expect(whole).toMatch(/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{40,}$/);
    expect(await scrollsSideways(panel)).toBe(false); // long tokens wrap

    // Code: three languages, each copied for real; the one-time warning on the ID-JAG.
    await tab('Code').click();
    const warning = panel.getByRole('note', { name: 'Replaying this request will fail' });
    await expect(warning).toContainText('ID-JAG');
    await expect(warning).toContainText('replay_detected');
    await expect(warning).toContainText('PROTOCOL.md §2');
    const languages = panel.getByRole('radiogroup', { name: 'Language' });
    await expect(languages.getByRole('radio')).toHaveText(['curl', 'JavaScript', 'Python']);
    for (const [label, start] of [['curl', 'curl -i'], ['JavaScript', 'const response = await fetch('], ['Python', 'import requests']] as const) {
      await languages.getByRole('radio', { name: label }).click();
      await expect(languages.getByRole('radio', { name: label })).toHaveAttribute('aria-checked', 'true');
      const code = panel.getByLabel(`${label} code`);
      await expect(code).toContainText(start);
      await expect(code).toContainText('/agent/auth');
      await panel.getByRole('button', { name: `Copy ${label}` }).click();
      await expect(panel.getByRole('button', { name: 'Copied ✓' })).toBeVisible();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied.startsWith(start)).toBe(true);
      expect(copied).toContain(whole); // the real ID-JAG: copied code runs
    }
    // The language choice is one tab stop; arrows move it (WAI-ARIA radio group).
    await expect(languages.locator('[tabindex="0"]')).toHaveText('Python');
    await languages.getByRole('radio', { name: 'Python' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(languages.getByRole('radio', { name: 'curl' })).toBeFocused();
    await expect(languages.getByRole('radio', { name: 'curl' })).toHaveAttribute('aria-checked', 'true');
    await page.keyboard.press('ArrowLeft');
    await expect(languages.getByRole('radio', { name: 'Python' })).toHaveAttribute('aria-checked', 'true');
    expect(await scrollsSideways(panel)).toBe(false);
    await studio.shot(`inspector-code-${size.width}`);
    // Hidden again, the snippet on screen masks it.
    await inspector.getByRole('button', { name: 'Hide secrets' }).click();
    await expect(panel.getByLabel('Python code')).not.toContainText(whole.slice(-30));
    expect(await lowContrastTexts(page)).toEqual([]);
    expect(await axeSerious(page, 'section.inspector')).toEqual([]);

    // The chosen tab is kept from arrow to arrow where it exists; Tokens falls back to Response.
    await studio.arrow(/^GET \/api\/resource from Agent to Service, answered 200/).last().click();
    await expect(tab('Code')).toHaveAttribute('aria-selected', 'true');
    await expect(panel.getByRole('note', { name: 'Replaying this request will fail' })).toHaveCount(0);
    await studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/).click();
    await tab(/^Tokens/).click();
    await studio.arrow(/^GET \/api\/resource from Agent to Service, answered 200/).last().click();
    await expect(tabs.getByRole('tab', { name: /^Tokens/ })).toHaveCount(0);
    await expect(tab('Response')).toHaveAttribute('aria-selected', 'true');
    // The language is kept too, across tabs and arrows.
    await tab('Code').click();
    await expect(panel.getByRole('radio', { name: 'Python' })).toHaveAttribute('aria-checked', 'true');

    // Claims across tokens: every JWT of the run in order, aud moving from the agent's client to the service.
    await studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/).click();
    await tab(/^Tokens/).click();
    await panel.getByRole('button', { name: 'Claims across tokens…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Claims across tokens' });
    await expect(dialog).toBeVisible();
    const table = dialog.getByRole('table');
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const audColumn = (await table.locator('thead th').allTextContents()).indexOf('aud');
    expect(audColumn).toBeGreaterThan(0);
    const auds = await rows.locator(`td:nth-child(${audColumn + 1})`).allTextContents();
    expect(new Set(auds.map((a) => a.replace(' (changed)', ''))).size).toBeGreaterThan(1);
    await expect(rows.locator(`td:nth-child(${audColumn + 1}).changed`).first()).toBeVisible();
    await expect(rows.getByRole('rowheader')).toContainText(['ID-JAG']);
    expect(await pageScrollsSideways(page)).toBe(false);
    expect(await axeSerious(page, 'dialog.claims-across-modal')).toEqual([]);
    await studio.shot(`inspector-claims-across-${size.width}`);
    // A token's name opens the exchange that carried it.
    await rows.getByRole('rowheader').first().getByRole('button').click();
    await expect(dialog).toBeHidden();
    await expect(tab(/^Tokens/)).toHaveAttribute('aria-selected', 'true');
    expect(await scrollsSideways(inspector)).toBe(false);
  });
}

test('v0.6: iss moves to the service on its own assertion; the SET warns its jti is accepted once; a reusable assertion warns nothing', async ({ studio }) => {
  const { page } = studio;
  const protocol = page.getByRole('group', { name: 'Protocol' });
  await protocol.getByRole('button', { name: 'v0.6', exact: true }).click();
  await expect(page.getByRole('banner').getByRole('status', { name: 'Protocol v0.6 live' })).toBeVisible();
  await studio.setAutopilot(true);
  await studio.chooseFlow('Revocation');
  await studio.play();
  await studio.expectSucceeded();
  const inspector = studio.inspector;
  const panel = inspector.getByRole('tabpanel');
  const tab = (name: string | RegExp) => inspector.getByRole('tablist', { name: 'Exchange details' }).getByRole('tab', { name });

  // The SET the provider pushes (PROTOCOL-v0.6.md §4): decoded, and a replay warning in the Code tab.
  await studio.arrow(/^POST \/agent\/event\/notify from Provider to Service, answered 2/).first().click();
  await expect(panel.getByRole('article', { name: /Decoded secevent\+jwt/ })).toContainText('Security event (SET)');
  await tab('Code').click();
  await expect(panel.getByRole('note', { name: 'Replaying this request will fail' })).toContainText(/SET: its jti is accepted once.*PROTOCOL-v0\.6\.md §4/);

  // The service's own assertion at its token endpoint may be exchanged again until exp (§2): no warning.
  await studio.arrow(/^POST \/oauth2\/token from Agent to Service, answered 200/).first().click();
  await expect(tab('Code')).toHaveAttribute('aria-selected', 'true');
  await expect(panel.getByRole('note', { name: 'Replaying this request will fail' })).toHaveCount(0);

  await tab(/^Tokens/).click();
  await panel.getByRole('button', { name: 'Claims across tokens…' }).click();
  const rows = page.getByRole('dialog', { name: 'Claims across tokens' }).locator('tbody tr');
  const names = await rows.getByRole('rowheader').allTextContents();
  expect(names).toEqual(expect.arrayContaining(['ID-JAG', 'Service assertion', 'Security event (SET)']));
  const assertion = rows.filter({ has: page.getByRole('rowheader', { name: 'Service assertion' }) }).first();
  // iss is now the service itself, and so is aud (PROTOCOL-v0.6.md §2).
  await expect(assertion.locator('td.col-iss')).toHaveClass(/changed/);
  expect(await assertion.locator('td.col-iss code').textContent()).toBe(await assertion.locator('td.col-aud code').textContent());
  await studio.shot('inspector-claims-across-v06-1280');
});
