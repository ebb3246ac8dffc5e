/** `npm run serve`: the service, provider and mailbox on loopback (PROTOCOL.md §9). */
import { ConfigError } from './config.js';
import { exitCleanlyOnSignals, HOST_USAGE, parseHostArgs, UsageError } from './cli.js';
import { startHost } from './host.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  let args;
  try {
    args = parseHostArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      log(`serve: ${err.message}\n\nUsage: npm run serve -- [options]\n${HOST_USAGE}`);
      process.exit(2);
    }
    throw err;
  }
  if (args.help) {
    process.stdout.write(`Usage: npm run serve -- [options]\n${HOST_USAGE}\n`);
    return;
  }
  const host = await startHost({ ...args.hostOptions, log });
  exitCleanlyOnSignals(() => host.stop(), log);
  log(`data: ${host.dataDir ?? 'in memory (nothing is written to disk)'}`);
  log(`service   ${host.urls.service}   (agents start at ${host.urls.service}/auth.md)`);
  log(`provider  ${host.urls.provider}   (users: alice@example.com, bob@example.com, carol@example.com)`);
  log(`mailbox   ${host.urls.mailbox}/messages   (SMTP ${host.urls.smtp})`);
  process.stdout.write(
    `READY ${JSON.stringify({ service: host.urls.service, provider: host.urls.provider, mailbox: host.urls.mailbox })}\n`,
  );
}

main().catch((err) => {
  log(`serve: could not start: ${(err as Error).message}`);
  process.exit(1);
});
