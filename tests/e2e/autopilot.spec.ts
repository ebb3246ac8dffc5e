import { expect, test } from './studio';

/** Autopilot plays the person: every consent click, inbox read and code is a real, recorded request. */
const FLOWS = [
  { flow: 'ID-JAG', shot: 'autopilot-idjag', userDid: /^POST \/consent\/requests\/.* from User to Provider/ },
  { flow: 'Verified email', shot: 'autopilot-email', userDid: /^POST \/agent\/auth\/claim\/attempt\/challenge from User to Service/ },
  { flow: 'Anonymous', shot: 'autopilot-anonymous', userDid: /^GET \/agent\/auth\/claim\/view\?… from User to Service/ },
] as const;

for (const { flow, shot, userDid } of FLOWS) {
  test(`${flow} under Autopilot runs to the end on its own`, async ({ studio }) => {
    await studio.setAutopilot(true);
    await studio.chooseFlow(flow);
    await studio.play();
    await studio.expectSucceeded();
    await expect(studio.arrow(userDid).first()).toBeVisible();
    await expect(studio.agent.getByRole('status').first()).toContainText('Done.');
    await studio.shot(shot);
    const state = await studio.openServiceState();
    await expect(state.getByRole('region', { name: 'Credentials' }).getByText('api.read').first()).toBeVisible();
  });
}
