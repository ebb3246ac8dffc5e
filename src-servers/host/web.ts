/**
 * `npm run web`: the host (service, provider, mailbox) plus the studio UI in a browser tab.
 * Flags as `npm run serve` (PROTOCOL.md §9) plus `--studio-port` (default 5178; 0 = any free port).
 */
import { runHostCommand } from './cli.js';
import { startHost } from './host.js';
import { startStudioServer } from './studio.js';

export const DEFAULT_STUDIO_PORT = 5178;

runHostCommand('web', async (args, log) => {
  const host = await startHost({ ...args.hostOptions, log });
  let studio;
  try {
    studio = await startStudioServer(host, args.studioPort ?? DEFAULT_STUDIO_PORT, { log });
  } catch (err) {
    await host.stop();
    throw err;
  }
  log(`data: ${host.dataDir ?? 'in memory (nothing is written to disk)'}`);
  const { service, provider, mailbox } = host.urls;
  process.stdout.write(`Studio: ${studio.url} — open it in your browser\n`);
  log(`service profile ${host.config.service.profile}`);
  process.stdout.write(`READY ${JSON.stringify({ service, provider, mailbox, studio: studio.url })}\n`);
  return async () => {
    await studio.stop();
    await host.stop();
  };
});
