import { expect, test, type Studio } from './studio';

/**
 * A person walks each flow with clicks and typing only: they approve consent in the consent pane,
 * open the mail in the Inbox, open its link, reveal the code in their browser and tell the agent.
 */

async function expectCredential(studio: Studio, shot: string) {
  const state = await studio.openServiceState();
  const credentials = state.getByRole('region', { name: 'Credentials' });
  await expect(credentials.getByText('api.write').first()).toBeVisible();
  await studio.shot(shot);
}

/** The claim ceremony, as a person does it (verified email and anonymous). */
async function claimByHand(studio: Studio, prefix: string) {
  await expect(studio.inbox.getByText('Your turn')).toBeVisible();
  const newMail = studio.inbox.getByRole('button', { name: /New mail/ });
  await expect(newMail).toBeVisible();
  await studio.shot(`${prefix}-3-mail-arrived`);
  await newMail.click();
  await studio.inbox.getByRole('button', { name: 'Open link' }).click();
  await expect(studio.browserPage.getByRole('heading', { name: /Confirm your agent/ })).toBeVisible();
  await expect(studio.browser.getByText('Your turn')).toBeVisible();
  await studio.shot(`${prefix}-4-claim-page`);
  const code = await studio.revealCode();
  await expect(studio.agent.getByText('Your turn')).toBeVisible();
  await studio.agent.getByLabel('One-time code').fill(code);
  await studio.shot(`${prefix}-5-code-typed`);
  await studio.agent.getByRole('button', { name: 'Send code to agent' }).click();
}

test('ID-JAG by hand: step, approve consent, the agent registers and uses the API', async ({ studio }) => {
  await studio.setAutopilot(false);
  await studio.chooseFlow('ID-JAG');
  await expect(studio.agent.getByText(/Press "Next step"/)).toBeVisible();
  await studio.shot('idjag-1-start');

  // Step mode: each press is one step, and the diagram gains what went over the wire.
  await studio.button('Next step').click();
  await expect(studio.arrows).not.toHaveCount(0);
  const afterOne = await studio.arrows.count();
  await studio.button('Next step').click();
  await expect.poll(() => studio.arrows.count()).toBeGreaterThan(afterOne);
  await expect(studio.arrow(/^GET \/api\/resource from Agent to Service, answered 401/)).toBeVisible();
  await studio.shot('idjag-2-stepping');

  await studio.play();
  await expect(studio.consent.getByText('Your turn')).toBeVisible();
  // The answer is in view in the pane's small frame without scrolling: all three buttons.
  for (const name of ['Allow once', 'Always allow', 'Deny']) await expect(studio.consentPage.getByRole('button', { name })).toBeInViewport({ ratio: 1 });
  await studio.shot('idjag-3-consent');
  await studio.consentPage.getByRole('button', { name: 'Allow once' }).click();
  await expect(studio.consentPage.getByRole('heading', { name: /Approved/ })).toBeVisible();

  await studio.expectSucceeded();
  await expect(studio.agent.getByText(/registration works/).first()).toBeVisible();
  await expect(studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/)).toBeVisible();
  await expect(studio.arrow(/^POST \/consent\/requests\/.* from User to Provider/).first()).toBeVisible();
  await studio.shot('idjag-4-done');
  await expectCredential(studio, 'idjag-5-service-state');

  // Go back to an earlier step: its band is highlighted and its first request is inspected.
  await studio.page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: /Register at the service/ }).click();
  await expect(studio.diagram.locator('.band-reviewed')).toContainText('Register at the service');
  await expect(studio.inspector).toContainText('/agent/auth');
  await expect(studio.page.getByRole('complementary', { name: 'About this step' })).toContainText('Reviewing');
  await studio.shot('idjag-6-review-step');
  await studio.button('Back to live').click();
  await expect(studio.diagram.locator('.band-reviewed')).toHaveCount(0);
});

test('Verified email by hand: say yes, open the mail and the link, read the code back', async ({ studio }) => {
  await studio.setAutopilot(false);
  await studio.chooseFlow('Verified email');
  await studio.play();
  const question = studio.agent.getByRole('group', { name: 'The agent asks you' });
  await expect(question).toContainText('alice@example.com');
  await studio.shot('email-1-question');
  await question.getByRole('button', { name: 'Yes, use my email' }).click();
  await expect(studio.arrow(/^POST \/agent\/auth from Agent to Service, answered 200/)).toBeVisible();
  await expect(studio.arrow(/^SMTP mail from Service to Inbox/)).toBeVisible();
  await studio.shot('email-2-registered');
  await claimByHand(studio, 'email');
  await studio.expectSucceeded();
  await expect(studio.arrow(/^POST \/agent\/auth\/claim\/complete from Agent to Service, answered 200/)).toBeVisible();
  await studio.shot('email-6-done');
  await expectCredential(studio, 'email-7-service-state');
});

test('Anonymous by hand: a read-only key at once, claimed later with the mailed code', async ({ studio }) => {
  await studio.setAutopilot(false);
  await studio.chooseFlow('Anonymous');
  await studio.shot('anon-1-start');
  await studio.play();
  await expect(studio.arrow(/^POST \/agent\/auth\/claim from Agent to Service, answered 200/)).toBeVisible();
  await expect(studio.arrow(/^SMTP mail from Service to Inbox/)).toBeVisible();
  await studio.shot('anon-2-claim-started');
  await claimByHand(studio, 'anon');
  await studio.expectSucceeded();
  await studio.shot('anon-6-done');
  await expectCredential(studio, 'anon-7-service-state');
});

test('Revocation by hand: approve, then revoke the grant at the provider; the credential dies at once', async ({ studio }) => {
  await studio.setAutopilot(false);
  await studio.chooseFlow('Revocation');
  await studio.play();
  await studio.consentPage.getByRole('button', { name: 'Always allow' }).click();
  await expect(studio.page.getByRole('tab', { name: 'Provider' })).toHaveClass(/attention/, { timeout: 30_000 });
  await studio.page.getByRole('tab', { name: 'Provider' }).click();
  const grants = studio.region('Provider state').getByRole('region', { name: 'Grants' });
  await expect(grants.getByRole('button', { name: 'Revoke' })).toBeVisible();
  await studio.shot('revocation-1-grant');
  await grants.getByRole('button', { name: 'Revoke' }).click();
  await expect(studio.arrow(/^POST \/agent\/auth\/revoke from Provider to Service, answered 200/)).toBeVisible();
  await expect(studio.arrow(/^GET \/api\/resource from Agent to Service, answered 401 invalid_token/).last()).toBeVisible();
  await expect(grants.getByText('revoked').first()).toBeVisible();
  await studio.shot('revocation-2-revoked');
});
