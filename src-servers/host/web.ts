/**
 * `npm run web`: the host (service, provider, mailbox) plus the studio UI in a browser tab.
 * Flags as `npm run serve` (PROTOCOL.md §9) plus `--studio-port` (default 5178; 0 = any free port).
 */
import { ConfigError } from './config.js';
import { exitCleanlyOnSignals, HOST_USAGE, parseHostArgs, UsageError } from './cli.js';
import { startHost } from './host.js';
import { startStudioServer } from './studio.js';

export const DEFAULT_STUDIO_PORT = 5178;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  let args;
  try {
    args = parseHostArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      log(`web: ${err.message}\n\nUsage: npm run web -- [options]\n${HOST_USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(`Usage: npm run web -- [options]\n${HOST_USAGE}\n`);
    return;
  }
  const host = await startHost({ ...args.hostOptions, log });
  let studio;
  try {
    studio = await startStudioServer(host, args.studioPort ?? DEFAULT_STUDIO_PORT, { log });
  } catch (err) {
    await host.stop();
    throw err;
  }
  const studioServer = studio;
  exitCleanlyOnSignals(async () => {
    await studioServer.stop();
    await host.stop();
  }, log);

  log(`data: ${host.dataDir ?? 'in memory (nothing is written to disk)'}`);
  const { service, provider, mailbox } = host.urls;
  process.stdout.write(`Studio: ${studio.url} — open it in your browser\n`);
  process.stdout.write(`READY ${JSON.stringify({ service, provider, mailbox, studio: studio.url })}\n`);
}

main().catch((err) => {
  log(`web: could not start: ${(err as Error).message}`);
  process.exit(1);
});
