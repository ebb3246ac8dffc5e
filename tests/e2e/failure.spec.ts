import { expect, test } from './studio';

test('Consent denied: you press Deny, the agent stops and the lesson is shown', async ({ studio }) => {
  await studio.setAutopilot(false);
  await studio.page.getByLabel('Failure scenario').selectOption({ label: 'Consent denied' });
  await expect(studio.button('ID-JAG')).toHaveAttribute('aria-pressed', 'true');
  await studio.play();
  await expect(studio.consentPage.getByRole('button', { name: 'Deny' })).toBeVisible();
  await studio.consentPage.getByRole('button', { name: 'Deny' }).click();
  await expect(studio.consentPage.getByRole('heading', { name: /Denied/ })).toBeVisible();

  const lesson = studio.agent.getByText('Lesson — Consent denied');
  await expect(lesson).toBeVisible({ timeout: 30_000 });
  await expect(studio.agent).toContainText('Consent is the user\'s to give');
  await expect(studio.agent).toContainText('never register without your consent');
  // No registration was attempted.
  await expect(studio.arrow(/^POST \/agent\/auth from Agent/)).toHaveCount(0);
  await studio.shot('failure-consent-denied');
});

test('Wrong code: the service answers otp_invalid and the agent asks again', async ({ studio }) => {
  await studio.setAutopilot(true);
  await studio.page.getByLabel('Failure scenario').selectOption({ label: 'Wrong code' });
  await studio.play();
  await expect(studio.arrow(/answered 401 otp_invalid$/).first()).toBeVisible({ timeout: 45_000 });
  await expect(studio.agent.getByText('Lesson — Wrong code')).toBeVisible({ timeout: 45_000 });
  await studio.arrow(/answered 401 otp_invalid$/).first().click();
  await expect(studio.inspector.getByLabel('Status 401 otp_invalid')).toBeVisible();
  await studio.shot('failure-wrong-otp');
});
