import { expect, type Studio } from './studio';

/** Helpers for the presenter-mode specs (presenter.spec.ts, presenter-mode.spec.ts). */

export const caption = (studio: Studio) => studio.page.getByRole('region', { name: 'Caption' });
export const paceHint = (studio: Studio) => studio.page.getByText('Press Space to continue');

/** Wait until Play waits at a key moment (the pace hint shows); answers the caption then. */
export async function held(studio: Studio): Promise<string> {
  await expect(paceHint(studio)).toBeVisible({ timeout: 45_000 });
  return (await caption(studio).textContent()) ?? '';
}

/**
 * Presenter mode's Play waits at each key moment (the credential issued, a lesson's failure and its
 * remedy) until Space: press it at each, until the run has succeeded.
 */
export async function continueToSuccess(studio: Studio) {
  const { page } = studio;
  const done = studio.agent.getByText('Succeeded', { exact: true });
  const hint = paceHint(studio);
  const bar = caption(studio);
  for (let i = 0; i < 10; i++) {
    await expect(done.or(hint)).toBeVisible({ timeout: 45_000 });
    if (await done.isVisible()) return;
    const said = (await bar.textContent()) ?? '';
    await page.keyboard.press(' ');
    await expect(bar).not.toHaveText(said);
  }
  throw new Error('the run never succeeded');
}


/** Step bands whose title runs under their status word ("8 · You answer the consent prompwaiting for you"). */
export function overlappingBandHeads(studio: Studio): Promise<string[]> {
  return studio.page.evaluate(() => [...document.querySelectorAll('g.band-head')].flatMap((head) => {
    const title = head.querySelector('text.band-title');
    const status = head.querySelector('text.band-status');
    if (!title || !status || !status.textContent) return [];
    return title.getBoundingClientRect().right > status.getBoundingClientRect().left - 4 ? [`${title.textContent} | ${status.textContent}`] : [];
  }));
}
