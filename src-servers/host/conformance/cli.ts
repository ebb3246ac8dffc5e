import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { failed, runConformance } from './run.js';
import { toHtml } from './html.js';
import { DEFAULT_ISSUER_KEY_FILE, DEFAULT_ISSUER_PORT } from './issuer.js';
import { ALL_CHECKS } from './checks/index.js';
import { consoleLine, summaryLine, toMarkdown } from './report.js';
import { PROFILES, type Profile } from './types.js';

/**
 * `npm run conformance -- --service URL [--provider URL] [--mailbox URL] [--profile v0.1|v0.6]
 * [--json FILE] [--markdown FILE] [--html FILE] [--expected FILE] [--only IDS] [--non-interactive]
 * [--issuer-port N]` (issue 18). Exit 0 when nothing failed, 1 when a check failed outside the
 * expected-failures baseline (or a baseline entry now passes), 2 for a usage error.
 */
const USAGE = `usage: npm run conformance -- --service URL [--provider URL] [--mailbox URL] [--profile v0.1|v0.6]
       [--json FILE] [--markdown FILE] [--html FILE] [--expected FILE] [--only ID,ID,prefix.*]
       [--non-interactive] [--issuer-port N] [--provider-user EMAIL]
  --profile        v0.1 or v0.6; default: v0.6 when the AS metadata has agent_auth.identity_endpoint, else v0.1
  --expected FILE  a JSON array of check ids expected to fail: reported as expected, not failing
                   the run; one that passes now fails the run until it is removed from the file`;


function usage(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function url(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) usage(`${flag}: not an http(s) URL: ${value}`);
  return value.replace(/\/+$/, '');
}

/** The expected-failures file: a JSON array of check ids; a typo would silently excuse nothing, so unknown ids are a usage error. */
function baseline(file: string): string[] {
  let ids: unknown;
  try {
    ids = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    usage(`--expected ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) usage(`--expected ${file}: not a JSON array of check ids`);
  const unknown = ids.filter((i) => !ALL_CHECKS.some((c) => c.id === i));
  if (unknown.length) usage(`--expected ${file}: no such check: ${unknown.join(', ')}`);
  return ids;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        service: { type: 'string' }, provider: { type: 'string' }, mailbox: { type: 'string' }, profile: { type: 'string' },
        json: { type: 'string' }, markdown: { type: 'string' }, html: { type: 'string' }, expected: { type: 'string' }, only: { type: 'string' }, 'non-interactive': { type: 'boolean', default: false },
        'issuer-port': { type: 'string' }, 'provider-user': { type: 'string', default: 'alice@example.com' }, help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const serviceUrl = url(values.service, '--service') ?? usage('--service URL is required');
  if (values.profile !== undefined && !PROFILES.includes(values.profile as Profile)) usage(`--profile: one of ${PROFILES.join(', ')} (default: detected from the service's metadata)`);
  const issuerPort = values['issuer-port'] === undefined ? DEFAULT_ISSUER_PORT : Number(values['issuer-port']);
  if (!Number.isInteger(issuerPort) || issuerPort < 0 || issuerPort > 65535) usage(`--issuer-port: not a port: ${values['issuer-port']}`);
  const expected = values.expected === undefined ? undefined : baseline(values.expected);
  const interactive = !values['non-interactive'] && process.stdin.isTTY === true;
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  let report;
  try {
    report = await runConformance(
      {
        serviceUrl, providerUrl: url(values.provider, '--provider'), providerUser: values['provider-user'], mailboxUrl: url(values.mailbox, '--mailbox'), profile: values.profile as Profile | undefined,
        interactive, issuerKeyFile: DEFAULT_ISSUER_KEY_FILE, expected, only: (values.only ?? '').split(',').map((s) => s.trim()).filter(Boolean), issuerPort, ask: rl && ((q) => rl.question(q)),
      },
      (r) => process.stdout.write(`${consoleLine(r)}\n`),
    );
  } catch (err) {
    process.stderr.write(`conformance: ${(err as Error).message}\n`);
    process.exit(2);
  } finally {
    rl?.close();
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (values.markdown) writeFileSync(values.markdown, toMarkdown(report));
  if (values.html) writeFileSync(values.html, toHtml(report));
  process.stdout.write(`\nprofile ${report.profile} (${report.profileSource === 'flag' ? '--profile' : report.profileSource === 'detected' ? 'detected from the AS metadata' : 'default: discovery failed'})\n${summaryLine(report)}\n`);
  process.exitCode = failed(report) ? 1 : 0;
}

await main();
