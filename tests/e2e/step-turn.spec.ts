import { expect, test } from './studio';

/**
 * One model of the person's turn (issue 16): in step mode as in play mode, "Next step" moves the
 * agent and never the person; their turn starts as soon as their step comes up, each thing they do
 * completes their step at once (and its requests are filed under it), and "Your turn" stays until
 * they have done it.
 */
for (const viewport of [{ width: 1024, height: 700 }, { width: 1280, height: 800 }]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test("Verified email in step mode: the person's steps move on by their own actions", async ({ studio }) => {
      const { page } = studio;
      await studio.setAutopilot(false);
      await studio.chooseFlow('Verified email');
      const current = page.getByRole('navigation', { name: 'Steps' }).locator('[aria-current="step"] .step-title');
      const nextUntil = async (title: string) => {
        for (let i = 0; i < 10 && (await current.textContent()) !== title; i++) {
          await studio.button('Next step').click();
          await expect(studio.button('Next step')).toBeEnabled();
        }
        await expect(current).toHaveText(title);
      };

      // The agent's question comes with the step that reaches it: no extra press to be asked.
      await nextUntil('You answer the consent prompt');
      const question = studio.agent.getByRole('group', { name: 'The agent asks you' });
      await expect(question).toBeVisible();
      await expect(studio.agent.getByText('Your turn')).toBeVisible();
      // Next step is not a yes.
      await studio.button('Next step').click();
      await expect(current).toHaveText('You answer the consent prompt');
      await question.getByRole('button', { name: 'Yes, use my email' }).click();

      // The agent registers on the next press; then the mail is the person's, at once.
      await nextUntil('You open the email');
      await expect(studio.inbox.getByText('Your turn')).toBeVisible();
      await studio.inbox.getByRole('button', { name: /New mail/ }).click();
      await expect(current).toHaveText('You open the link');
      await expect(studio.inbox.getByText('Your turn')).toBeVisible();
      await studio.inbox.getByRole('button', { name: 'Open link' }).click();
      await expect(current).toHaveText('You reveal the code');
      await expect(studio.browser.getByText('Your turn')).toBeVisible();
      await studio.shot(`step-turn-reveal-${viewport.width}`);
      const code = await studio.revealCode();
      await expect(current).toHaveText('You tell the agent the code');
      await expect(studio.agent.getByText('Your turn')).toBeVisible();
      await expect(studio.agent.getByLabel('One-time code')).toBeVisible();

      // The reveal request belongs to "You reveal the code", the step it completed.
      const band = (title: string) => studio.diagram.locator('g.band', { has: page.locator('.band-title', { hasText: title }) });
      await expect(band('You reveal the code').locator('g.arrow[aria-label^="POST /agent/auth/claim/attempt/challenge"]')).toHaveCount(1);
      await expect(band('You open the link').locator('g.arrow[aria-label^="POST /agent/auth/claim/attempt/challenge"]')).toHaveCount(0);

      await studio.agent.getByLabel('One-time code').fill(code);
      await studio.agent.getByRole('button', { name: 'Send code to agent' }).click();
      // The agent's own next step waits for Next step again.
      await expect(studio.agent.getByText(/Press "Next step"/)).toBeVisible();
      await studio.play();
      await studio.expectSucceeded();
    });
  });
}
