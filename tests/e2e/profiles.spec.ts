import { expect, test, type Studio } from './studio';

/**
 * Both protocol versions in one window (issue 17): the host runs a v0.1 and a v0.6 service side by
 * side, the Protocol switch picks the one the next run talks to without a restart, "What changed"
 * shows the two step by step, and a v0.6 flow walks the service's own sign-in and claim pages.
 */

const header = (studio: Studio) => studio.page.getByRole('banner');
const protocolSwitch = (studio: Studio) => studio.page.getByRole('group', { name: 'Protocol' });

async function switchTo(studio: Studio, profile: 'v0.1' | 'v0.6') {
  await protocolSwitch(studio).getByRole('button', { name: profile, exact: true }).click();
  await expect(protocolSwitch(studio).getByRole('button', { name: profile, exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(header(studio).getByRole('status', { name: `Protocol ${profile} live` })).toBeVisible();
}

test('the Protocol switch changes the flows and lessons on offer, and the header says which version is live', async ({ studio }) => {
  const { page } = studio;
  await expect(header(studio).getByRole('status', { name: 'Protocol v0.1 live' })).toBeVisible();
  await expect(studio.button('Verified email')).toBeVisible();
  await expect(studio.button('Service auth')).toHaveCount(0);

  await switchTo(studio, 'v0.6');
  // PROTOCOL-v0.6.md §11: verified email became service_auth; the other flows stay.
  for (const flow of ['ID-JAG', 'Service auth', 'Anonymous', 'Revocation']) await expect(studio.button(flow)).toBeVisible();
  await expect(studio.button('Verified email')).toHaveCount(0);
  // Lessons are marked where they apply: a v0.1-only one is greyed out here, a v0.6-only one is offered.
  const lessons = page.getByRole('combobox', { name: 'Failure scenario' });
  await expect(lessons.locator('optgroup[label$="— v0.1 only"] option').first()).toBeDisabled();
  await expect(lessons.locator('optgroup[label$="— v0.6 only"] option').first()).toBeEnabled();
  await expect(lessons.locator('optgroup[label="ID-JAG — v0.6 only"]')).toContainText('Stale sign-in');
  await expect(studio.inbox).toContainText('No mail in v0.6');
  // Before a run, the steps listed are the ones the flow plans against a v0.6 service.
  await expect(page.getByRole('navigation', { name: 'Steps' })).toContainText('Exchange the assertion for an access token');
  await studio.shot('profile-v06-1280');
  await page.setViewportSize({ width: 1024, height: 700 });
  await expect(studio.button('Service auth')).toBeVisible();
  await studio.shot('profile-v06-1024');
  // Nothing is cut off: the page never scrolls sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);

  // A run started now talks to the v0.6 service: its first request goes to that service's URL.
  await studio.button('Anonymous').click();
  await studio.button('Next step').click();
  const probe = studio.arrow(/^GET \/api\/resource/).first();
  await expect(probe).toBeVisible();
  // v0.6 sends no mail (PROTOCOL-v0.6.md §3): its diagram has no Inbox lifeline (issue 17).
  const lifelines = studio.diagram.locator('.lifeline-head');
  await expect(lifelines).toHaveText(['User', 'Agent', 'Provider', 'Service']);
  await probe.click();
  const info = await page.evaluate(async () => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="studio-token"]')!.content;
    const r = await fetch('/studio/api/info', { headers: { 'x-studio-token': token } });
    return (await r.json()) as { services: { profile: string; url: string }[] };
  });
  const v06 = info.services.find((s) => s.profile === 'v0.6')!.url;
  await expect(studio.inspector.locator('.insp-path')).toHaveAttribute('title', new RegExp(`^${v06}/api/resource`));
  await expect(studio.inspector).toContainText('Agent → Service v0.6');

  // Back to v0.1 without a restart: the run on screen starts again there.
  await switchTo(studio, 'v0.1');
  await expect(studio.button('Verified email')).toBeVisible();
  await expect(studio.inbox).not.toContainText('No mail in v0.6');
  await expect(lifelines).toHaveText(['User', 'Agent', 'Provider', 'Service', 'Inbox']);
});

test('"What changed" shows v0.1 beside v0.6 step by step, the account takeover highlighted', async ({ studio }) => {
  const { page } = studio;
  await page.getByRole('button', { name: 'What changed?' }).click();
  const view = page.getByRole('dialog', { name: 'What changed from v0.1 to v0.6' });
  await expect(view).toBeVisible();
  // It opens on the flow on screen (ID-JAG).
  await expect(view.getByRole('tab', { name: 'ID-JAG' })).toHaveAttribute('aria-selected', 'true');
  const takeover = view.locator('tr.takeover');
  await expect(takeover).toHaveCount(1);
  await expect(takeover).toContainText('Account takeover');
  await expect(takeover.locator('td').nth(0)).toContainText('200 with a credential');
  await expect(takeover.locator('td').nth(1)).toContainText('401 interaction_required');
  await takeover.scrollIntoViewIfNeeded();
  await studio.shot('what-changed-1280');

  await view.getByRole('tab', { name: /^Email/ }).click();
  await expect(view.getByRole('row', { name: /Register with your email/ })).toContainText('{type:"service_auth", login_hint:"<email>"}');
  await expect(view.getByRole('row', { name: /Register with your email/ })).toContainText('assertion_type:"verified_email"');
  await page.setViewportSize({ width: 1024, height: 700 });
  await studio.shot('what-changed-1024');

  // "Run … on v0.6" starts that flow against the v0.6 service.
  await view.getByRole('button', { name: 'Run Service auth on v0.6' }).click();
  await expect(view).toBeHidden();
  await expect(header(studio).getByRole('status', { name: 'Protocol v0.6 live' })).toBeVisible();
  await expect(studio.button('Service auth')).toHaveAttribute('aria-pressed', 'true');
});

test('a v0.6 flow under Autopilot: the service\'s own sign-in and claim pages, the claim grant, then the API', async ({ studio }) => {
  await switchTo(studio, 'v0.6');
  await studio.setAutopilot(true);
  await studio.button('Service auth').click();
  await expect(studio.button('Service auth')).toHaveAttribute('aria-pressed', 'true');
  await studio.play();
  await studio.expectSucceeded();
  // On the wire: v0.6 registration, the person at the service's /login and claim form, the claim grant, the API.
  await expect(studio.arrow(/^POST \/agent\/identity from Agent to Service/).first()).toBeVisible();
  await expect(studio.arrow(/^GET \/login\?… from User to Service/).first()).toBeVisible();
  await expect(studio.arrow(/^POST \/agent\/identity\/claim\/complete from User to Service/).first()).toBeVisible();
  await expect(studio.arrow(/^POST \/oauth2\/token from Agent to Service/).first()).toBeVisible();
  await expect(studio.arrow(/^GET \/api\/resource from Agent to Service/).last()).toBeVisible();
  // The User's browser shows what autopilot did on the service's pages; the inbox had no part.
  await expect(studio.browser).toContainText('Autopilot typed the code and confirmed the claim.');
  await expect(studio.inbox).toContainText('No mail in v0.6');
  await expect(studio.agent.getByRole('status').first()).toContainText('Done.');
  await studio.shot('v06-service-auth-autopilot-1280');
  const state = await studio.openServiceState();
  await expect(state.getByRole('region', { name: 'Credentials' }).getByText('api.write').first()).toBeVisible();

  // The same flow on v0.1 (verified email), then both real runs side by side in "What changed", by step.
  await switchTo(studio, 'v0.1');
  await studio.button('Verified email').click();
  await studio.play();
  await studio.expectSucceeded();
  await studio.page.getByRole('button', { name: 'What changed?' }).click();
  const view = studio.page.getByRole('dialog', { name: 'What changed from v0.1 to v0.6' });
  await expect(view.getByRole('tab', { name: /^Email/ })).toHaveAttribute('aria-selected', 'true');
  await view.getByRole('button', { name: 'Compare my last runs' }).click();
  const runs = view.getByRole('region', { name: 'Your recorded runs, side by side' });
  const register = runs.getByRole('row', { name: /^Register at the service/ });
  await expect(register).toContainText('Agent → POST /agent/auth 200');
  await expect(register).toContainText('Agent → POST /agent/identity 200');
  // The ceremonies side by side: the v0.1 mail beside the v0.6 sign-in.
  await expect(runs.getByRole('row', { name: /You open the email · You sign in at the service/ })).toContainText('User → GET /login?… 200');
  await register.scrollIntoViewIfNeeded();
  await studio.shot('what-changed-recorded-1280');
});
