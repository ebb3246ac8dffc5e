import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/sqlite.js';
import { createTraceRecorder, traceMigrations, type TraceRecorder } from '../trace/index.js';
import type { Exchange } from '../trace/types.js';
import { AgentRun, AGENT_FLOWS, type AgentFlowId, type RunState } from '../agent/index.js';
import { scenarioDef } from '../agent/scenarios.js';
import { formatList, formatOutcome, formatStep, makeStyle } from './agentCliFormat.js';
import { startHost, type Host } from './host.js';
import { hostPowers } from './lessonHost.js';

/**
 * `npm run agent -- --flow anonymous [--autopilot]`: run the simulated agent from a terminal.
 * Without URLs it starts an in-memory host on free ports; with --service and --provider it works
 * against those (it discovers everything from the service URL), reading the user's mail at
 * --mailbox when given. Without --autopilot, you are the user: it asks you for consent and for the
 * code from the claim page. Without --mailbox only you can read that mail, so autopilot says so.
 */

const USAGE = `Usage: npm run agent -- --flow id-jag|verified-email|service-auth|anonymous|revocation [options]
  The agent reads the protocol profile (v0.1 or v0.6) from the service's metadata. verified-email is
  v0.1's email path, service-auth is v0.6's; id-jag, anonymous and revocation work with both.
  --scenario NAME      a lesson (see --list); implies its flow
  --service URL        use this service (with --provider) instead of an in-memory host
  --provider URL       the agent's provider (ours, or any with /login, /grants, /id-jag)
  --mailbox URL        the user's inbox (optional: without it you read the claim mail yourself)
  --email ADDRESS      the user (default alice@example.com)
  --autopilot          play the user too (consent, inbox, claim page, code)
  --json               print the run and its trace as JSON
  --har FILE           also write the trace as HAR to FILE
  --mermaid            print the trace as a Mermaid sequence diagram
  --list               list flows and scenarios`;

class UsageError extends Error {}

const CEREMONY_KINDS = ['open_mail', 'open_link', 'reveal_code', 'enter_otp'];

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      flow: { type: 'string' }, scenario: { type: 'string' },
      service: { type: 'string' }, provider: { type: 'string' }, mailbox: { type: 'string' },
      email: { type: 'string' }, autopilot: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false }, har: { type: 'string' }, mermaid: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const scenario = values.scenario ? scenarioDef(values.scenario) : undefined;
  if (values.scenario && !scenario) throw new UsageError(`Unknown scenario "${values.scenario}" (see --list).`);
  const flow = (values.flow ?? scenario?.flow) as AgentFlowId | undefined;
  if (!values.list && !values.help) {
    if (!flow) throw new UsageError('Give --flow (or --scenario).');
    if (!AGENT_FLOWS.some((f) => f.id === flow)) throw new UsageError(`Unknown flow "${flow}" (one of ${AGENT_FLOWS.map((f) => f.id).join(', ')}).`);
    if (scenario && scenario.flow !== flow) throw new UsageError(`Scenario "${scenario.id}" belongs to the ${scenario.flow} flow.`);
    if (values.service && !values.provider) throw new UsageError('Give --provider with --service (the agent\'s provider), or neither (then I start a host).');
    if (!values.service && (values.provider || values.mailbox)) throw new UsageError('--provider and --mailbox go with --service; without it I start a host of my own.');
    if (values.json && values.mermaid) throw new UsageError('Choose one of --json and --mermaid.');
  }
  return { ...values, flow, scenario: scenario?.id };
}

async function main(argv: string[]): Promise<number> {
  const opts = parse(argv);
  if (opts.help) return void console.log(USAGE), 0;
  if (opts.list) return void console.log(formatList()), 0;
  // Machine-readable output owns stdout; the human printout then goes to stderr.
  const machine = opts.json || opts.mermaid;
  const print = (s: string) => (machine ? process.stderr : process.stdout).write(`${s}\n`);
  const st = makeStyle(Boolean((machine ? process.stderr : process.stdout).isTTY));

  let host: Host | undefined;
  let trace: TraceRecorder;
  let urls: { service: string; provider: string; mailbox?: string };
  if (opts.service) {
    // Someone else's servers: record what the agent sends and receives ourselves.
    trace = createTraceRecorder({ db: openDatabase(':memory:', traceMigrations) });
    urls = { service: opts.service, provider: opts.provider!, mailbox: opts.mailbox };
  } else {
    host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 } });
    trace = host.trace;
    urls = host.urls;
  }

  const run = new AgentRun({
    flow: opts.flow!, scenario: opts.scenario, autopilot: opts.autopilot, userEmail: opts.email,
    serviceUrl: urls.service, providerUrl: urls.provider, mailboxUrl: urls.mailbox, trace,
    // A lesson that needs a specially configured service gets a private host beside either.
    powers: hostPowers(host),
  });
  const title = opts.scenario ? `scenario ${opts.scenario} (${opts.flow} flow)` : `flow ${opts.flow}`;
  print(st.bold(`Agentic registration — ${title}${opts.autopilot ? ', autopilot' : ''}`));
  print(st.dim(`service ${urls.service}  provider ${urls.provider}  mailbox ${urls.mailbox ?? 'none (you read your own mail)'}${host ? '  (in-memory host)' : ''}`));
  print('');

  // What the agent said, by the step it was on.
  const said = new Map<number, string[]>();
  let heard = 0;
  run.on('state', (s: RunState) => {
    for (; heard < s.narration.length; heard++) {
      const at = Math.min(s.current, s.steps.length - 1);
      said.set(at, [...(said.get(at) ?? []), s.narration[heard].text]);
    }
  });
  let printed = 0;
  const flush = async (s: RunState) => {
    await settle(trace);
    const all = trace.exchanges(s.traceId);
    const last = ['succeeded', 'failed'].includes(s.status) ? s.steps.length : s.current;
    for (; printed < last; printed++) {
      const step = s.steps[printed];
      if (step.status === 'pending') continue;
      print(formatStep(st, printed, step, all.filter((e: Exchange) => e.step === step.name), said.get(printed) ?? []));
      print('');
    }
  };

  const rl = opts.autopilot ? undefined : lineReader();
  try {
    let s = await run.run();
    while (!['succeeded', 'failed'].includes(s.status)) {
      await flush(s);
      if (s.status !== 'waiting' || !s.waitingFor || !rl) {
        s = await run.run();
        continue;
      }
      s = await askTheUser(run, s, rl, urls, print, st);
    }
    await flush(s);
    print(formatOutcome(st, s));
    await settle(trace);
    if (opts.har) writeFileSync(opts.har, trace.exportTrace(s.traceId, 'har'));
    if (opts.json) process.stdout.write(`${JSON.stringify({ run: s, trace: JSON.parse(trace.exportTrace(s.traceId, 'json')) }, null, 2)}\n`);
    if (opts.mermaid) process.stdout.write(`${trace.exportTrace(s.traceId, 'mermaid')}\n`);
    return s.outcome?.ok ? 0 : 1;
  } finally {
    rl?.close();
    run.cancel();
    await host?.stop();
  }
}

/** You are the user: answer the consent prompt, or read the code from the claim page. */
async function askTheUser(
  run: AgentRun, s: RunState, rl: LineReader,
  urls: { mailbox?: string }, print: (s: string) => void, st: ReturnType<typeof makeStyle>,
): Promise<RunState> {
  const w = s.waitingFor!;
  print(st.warn(`The agent is waiting for you: ${w.prompt}`));
  switch (w.kind) {
    case 'approve_consent': {
      if (w.url) print(`  The consent page: ${w.url}`);
      const a = (await rl.question(w.url ? '  Allow [o]nce, [a]lways, or [d]eny? ' : '  Allow? [y/n] ')).trim().toLowerCase();
      const choice = a.startsWith('a') ? 'always' : a.startsWith('o') || a.startsWith('y') ? 'once' : 'deny';
      // A real form submission on the provider's page, as your browser would send it.
      await run.actAsUser(choice);
      return run.run();
    }
    case 'open_mail': case 'open_link': case 'reveal_code': case 'enter_otp': {
      if (!urls.mailbox) {
        // A service we do not host mails you for real: only you can read that mail.
        print('  The service emailed you a claim link. Open that mail, open the link in a browser,');
        print('  press "Reveal code", and type the six digits here.');
        const code = (await rl.question('  Code: ')).trim();
        if (code) run.provideOtp(code);
        else await run.actAsUser(); // no answer (end of input): the agent says why it cannot go on
        return run.run();
      }
      print(`  The service emailed a claim link. Open your inbox at ${urls.mailbox}/messages, open the link`);
      print('  in a browser, press "Reveal code", and type the six digits here.');
      const code = (await rl.question('  Code (or just Enter and I will do it as you): ')).trim();
      if (code) {
        run.provideOtp(code);
        return run.run();
      }
      // Play the person through the rest of the ceremony: inbox, link, reveal, read the code back.
      let now = run.state();
      do {
        await run.actAsUser();
        now = await run.run();
      } while (now.status === 'waiting' && CEREMONY_KINDS.includes(now.waitingFor?.kind ?? ''));
      return now;
    }
    case 'sign_in_service': case 'enter_user_code': {
      // v0.6 (PROTOCOL-v0.6.md §3): you confirm at the service's own pages; the agent learns it by polling the claim grant.
      if (w.url) print(`  Open ${w.url} in a browser, sign in, and type the code there.`);
      const a = (await rl.question('  Type "done" once you confirmed in your browser, or press Enter and I will do it as you: ')).trim().toLowerCase();
      // "done": the agent polls the claim grant to see it (RFC 8628 §3.4); otherwise the person is played, as elsewhere.
      if (a !== 'done') await run.actAsUser();
      return run.run();
    }
    default: {
      await rl.question('  Press Enter and I will do it as you: ');
      await run.actAsUser();
      return run.run();
    }
  }
}

interface LineReader {
  question(prompt: string): Promise<string>;
  close(): void;
}

/**
 * Answers typed at the terminal, or piped in. Lines are queued as they arrive, so piped answers
 * are not lost while the agent is busy; at end of input every question gets "".
 */
function lineReader(): LineReader {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  rl.on('close', () => {
    ended = true;
    while (waiting.length) waiting.shift()!('');
  });
  return {
    question(prompt) {
      process.stderr.write(prompt);
      if (lines.length) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.resolve('');
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

/** Recording finishes just after the answer arrives; let the last exchanges land. */
async function settle(trace: TraceRecorder) {
  await new Promise((r) => setTimeout(r, 60));
  await (trace as TraceRecorder & { idle?: () => Promise<void> }).idle?.();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`agent: ${(err as Error).message ?? err}\n`);
    process.exit(1);
  },
);
