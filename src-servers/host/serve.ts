/** `npm run serve`: the service, provider and mailbox on loopback (PROTOCOL.md §9). */
import { runHostCommand } from './cli.js';
import { startHost } from './host.js';

runHostCommand('serve', async (args, log) => {
  const host = await startHost({ ...args.hostOptions, log });
  log(`data: ${host.dataDir ?? 'in memory (nothing is written to disk)'}`);
  const profile = host.config.service.profile;
  log(`service   ${host.urls.service}   (profile ${profile}; agents start at ${host.urls.service}/auth.md)`);
  log(`provider  ${host.urls.provider}   (users: alice@example.com, bob@example.com, carol@example.com)`);
  log(`mailbox   ${host.urls.mailbox}/messages   (SMTP ${host.urls.smtp})`);
  const { service, provider, mailbox } = host.urls;
  // PROTOCOL-v0.6.md §9: the READY line is v0.1 §9's exactly (three URLs); the banner above names the profile.
  process.stdout.write(`READY ${JSON.stringify({ service, provider, mailbox })}\n`);
  return () => host.stop();
});
