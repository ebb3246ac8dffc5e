import { expect, test } from './studio';

/**
 * The inbox refreshes by itself when mail arrives (issue 16: "Mailpit has live updates"), without a
 * request of its own — reading the mailbox is the person's act, and the agent reads it as one; and
 * the audit log filters by run and fits its pane.
 */
for (const size of [{ width: 1280, height: 800 }, { width: 1024, height: 700 }]) {
  test(`a mail shows up in the inbox list by itself, unread, with no request (${size.width}×${size.height})`, async ({ studio }) => {
    const { page } = studio;
    await page.setViewportSize(size);
    await studio.setAutopilot(false);
    await studio.chooseFlow('Verified email');
    await studio.play();
    await studio.agent.getByRole('group', { name: 'The agent asks you' }).getByRole('button', { name: /Yes/ }).click();

    // No "Check mail", no reload: the message is listed, as new.
    const messages = studio.inbox.getByRole('list', { name: 'Messages' });
    const mail = messages.getByRole('button', { name: /New mail/ });
    await expect(mail).toBeVisible();
    await expect(mail).toContainText(/claim|confirm|registration/i);
    // Listing it sent nothing: the person has not read their mailbox yet, and the agent still waits.
    await expect(studio.arrow(/from User to Inbox/)).toHaveCount(0);
    await expect(studio.inbox.getByText('Your turn')).toBeVisible();
    await studio.shot(`inbox-live-${size.width}`);

    await mail.click();
    await expect(studio.inbox.getByRole('button', { name: 'Open link' })).toBeVisible();
    await expect(studio.arrow(/from User to Inbox/).first()).toBeVisible();
    await studio.inbox.getByRole('button', { name: '← Inbox' }).click();
    // Opened: listed as read now.
    await expect(messages.getByRole('button', { name: /New mail/ })).toHaveCount(0);
    await expect(messages.getByRole('button')).toHaveCount(1);
  });
}

test('the audit log filters by run and never scrolls sideways at 1024×700', async ({ studio }) => {
  const { page } = studio;
  await page.setViewportSize({ width: 1024, height: 700 });
  await studio.setAutopilot(true);
  await studio.chooseFlow('Anonymous');
  await studio.play();
  await studio.expectSucceeded();
  await studio.button('Reset').click();
  await studio.play();
  await studio.expectSucceeded();

  const state = await studio.openServiceState();
  const audit = state.getByRole('region', { name: 'Audit log' });
  const entries = audit.getByRole('list', { name: 'Audit entries' }).getByRole('listitem');
  const created = entries.filter({ hasText: 'registration.created' });
  await expect(created).toHaveCount(2);
  const all = await entries.count();

  const filter = audit.getByRole('combobox', { name: 'Audit entries of' });
  const options = filter.getByRole('option');
  await expect(options).toHaveCount(3); // every run, and the two runs
  await filter.selectOption({ index: 2 }); // the older run (newest first)
  await expect(created).toHaveCount(1);
  const one = await entries.count();
  expect(one).toBeGreaterThan(1);
  expect(one).toBeLessThan(all);
  await filter.selectOption({ index: 1 });
  await expect(created).toHaveCount(1);
  expect(await entries.count()).toBe(all - one);

  const pane = state;
  const sideways = await pane.evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(sideways).toBe(false);
  await audit.scrollIntoViewIfNeeded();
  await studio.shot('audit-filter-1024');
});
