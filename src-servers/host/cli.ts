import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile, parseConfig, type HostConfig } from './config.js';
import { isProfileId, PROFILE_IDS } from '../protocol/profiles.js';
import type { HostOptions } from './host.js';
import { isRunning } from './dataDirLock.js';

/** Flags shared by `npm run serve` and `npm run web` (PROTOCOL.md §9). */
export const HOST_FLAGS = {
  config: { type: 'string' },
  profile: { type: 'string' },
  'data-dir': { type: 'string' },
  'in-memory': { type: 'boolean' },
  'service-port': { type: 'string' },
  'provider-port': { type: 'string' },
  'mailbox-port': { type: 'string' },
  'smtp-port': { type: 'string' },
  'studio-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const HOST_USAGE = `Options:
  --config FILE          JSON config (see PROTOCOL.md §9); unknown keys are an error
  --profile v0.1|v0.6    the protocol the service speaks (PROTOCOL.md | PROTOCOL-v0.6.md); overrides service.profile
  --data-dir DIR         where the databases and keys live (default: the app-data folder)
  --in-memory            keep everything in memory; nothing is written to disk
  --service-port N       default 8000 (0 = any free port)
  --provider-port N      default 4000
  --mailbox-port N       default 8025 (the inbox's HTTP API)
  --smtp-port N          default 2525 (the inbox's SMTP listener)
  --studio-port N        default 5178 (npm run web only)`;

export class UsageError extends Error {}

function portFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${flag} must be a port number from 0 to 65535, not "${value}"`);
  return n;
}

export interface ParsedHostArgs {
  help: boolean;
  hostOptions: HostOptions & { config: HostConfig | undefined };
  studioPort?: number;
}

export function parseHostArgs(argv: string[]): ParsedHostArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: HOST_FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values['in-memory'] && values['data-dir']) throw new UsageError('use either --data-dir or --in-memory, not both');
  const profile = values.profile;
  if (profile !== undefined && !isProfileId(profile)) throw new UsageError(`--profile must be one of ${PROFILE_IDS.join(', ')}, not "${profile}"`);
  let config = values.config ? loadConfigFile(values.config) : undefined;
  // DESIGN.md rule 8: the flag names the service's one profile, over the config file's service.profile.
  if (profile) {
    config ??= parseConfig({});
    config = { ...config, service: { ...config.service, profile } };
  }
  return {
    help: Boolean(values.help),
    studioPort: portFlag(values['studio-port'], 'studio-port'),
    hostOptions: {
      config,
      dataDir: values['data-dir'],
      inMemory: Boolean(values['in-memory']),
      ports: {
        service: portFlag(values['service-port'], 'service-port'),
        provider: portFlag(values['provider-port'], 'provider-port'),
        mailbox: portFlag(values['mailbox-port'], 'mailbox-port'),
        smtp: portFlag(values['smtp-port'], 'smtp-port'),
      },
    },
  };
}

/**
 * SIGTERM/SIGINT: finish in-flight requests, close the databases, exit 0 within 5 s (PROTOCOL.md §9).
 * Installed before the host starts: a signal that comes while it starts (or right after READY, before
 * the start-up code has returned) waits for the start to finish, then stops it — without a handler,
 * Node would die of the signal at once.
 */
export function exitCleanlyOnSignals(
  started: Promise<() => Promise<void>>,
  log: (line: string) => void,
  opts: { followParent?: boolean } = {},
) {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight requests and closing the databases…`);
    const force = setTimeout(() => {
      log('shutdown took longer than 5 s; exiting anyway');
      process.exit(1);
    }, 4_500);
    force.unref();
    started.then((stop) => stop()).then(
      () => process.exit(0),
      (err) => {
        log(`shutdown error: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  if (opts.followParent) followParent(() => onSignal('the process that started the host exited'));
}

/** How often a host started by npm checks that npm's shell is still there. */
const PARENT_POLL_MS = 250;

/**
 * PROTOCOL.md §9 for `npm run serve` / `npm run web`: npm 11 runs a script line as `sh -c "<line>"`
 * (cmd.exe on Windows), passes a SIGTERM it gets on to that shell, and exits when the shell does.
 * Debian's sh (dash) neither execs the last command of the line nor forwards the signal: it dies, and
 * the host — its child — would run on, orphaned, holding the ports and the data dir. So a host started
 * by npm stops, as on SIGTERM, when its parent goes away. (`exec` in the script line would make node
 * the process npm starts, but cmd.exe has no `exec`.)
 */
function followParent(onOrphaned: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && isRunning(parent)) return;
    clearInterval(timer);
    onOrphaned();
  }, PARENT_POLL_MS);
  timer.unref();
}

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

/**
 * The shared life of `npm run serve` and `npm run web`: parse the flags (exit 2 naming what is
 * wrong), start, print, and stop cleanly on a signal (exit 1 with the reason when start fails).
 */
export function runHostCommand(
  name: 'serve' | 'web',
  start: (args: ParsedHostArgs, log: (line: string) => void) => Promise<() => Promise<void>>,
): void {
  let args: ParsedHostArgs;
  try {
    args = parseHostArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof ConfigError)) throw err;
    stderrLog(`${name}: ${err.message}\n\nUsage: npm run ${name} -- [options]\n${HOST_USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`Usage: npm run ${name} -- [options]\n${HOST_USAGE}\n`);
    return;
  }
  // start() runs a microtask later, after the signal handlers are in place: its first synchronous
  // lines (a log, a listen) may already be seen by whoever sends the signal.
  const started = Promise.resolve().then(() => start(args, stderrLog));
  // npm sets npm_lifecycle_event to the script's name for the line it runs (and for that line's children).
  exitCleanlyOnSignals(started, stderrLog, { followParent: process.env.npm_lifecycle_event === name });
  started.catch((err) => {
    stderrLog(`${name}: could not start: ${(err as Error).message}`);
    process.exit(1);
  });
}
