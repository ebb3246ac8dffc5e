import { spawn } from 'node:child_process';
import { startHost, type Host } from '../../src-servers/host/host.js';
import { hostPowers } from '../../src-servers/host/lessonHost.js';
import type { HostConfigInput } from '../../src-servers/host/config.js';
import { AgentRun, type AgentRunOptions, type RunState } from '../../src-servers/agent/index.js';
import type { Exchange } from '../../src-servers/trace/types.js';

/** A real in-memory host on free ports (no mocks: the agent talks HTTP to the real roles). */
export function startTestHost(config?: HostConfigInput): Promise<Host> {
  return startHost({ inMemory: true, config, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 } });
}

export function newRun(host: Host, opts: Partial<AgentRunOptions> & Pick<AgentRunOptions, 'flow'>): AgentRun {
  return new AgentRun({
    autopilot: true, serviceUrl: host.urls.service, providerUrl: host.urls.provider, mailboxUrl: host.urls.mailbox,
    trace: host.trace, powers: hostPowers(host), ...opts,
  });
}

/** Resolve when the run's state satisfies `done` (checked on every 'state' event). */
export function untilState(run: AgentRun, done: (s: RunState) => boolean): Promise<RunState> {
  return new Promise((resolve) => {
    if (done(run.state())) return resolve(run.state());
    const on = (s: RunState) => {
      if (!done(s)) return;
      run.off('state', on);
      resolve(s);
    };
    run.on('state', on);
  });
}

/** The trace's exchanges for a run, once recording (which ends as the answer leaves) has caught up. */
export async function exchangesOf(host: Host, s: RunState, ready: (all: Exchange[]) => boolean = () => true): Promise<Exchange[]> {
  for (let i = 0; i < 100; i++) {
    await host.trace.idle();
    const all = host.trace.exchanges(s.traceId);
    if (ready(all)) return all;
    await new Promise((r) => setTimeout(r, 20));
  }
  return host.trace.exchanges(s.traceId);
}

/**
 * `npm run agent` is `tsx src-servers/host/agentCli.ts`: run it as a person would.
 * `viaNpx` goes through `npx tsx` exactly; otherwise tsx is loaded into node directly (faster).
 */
export function runAgentCli(args: string[], input = '', viaNpx = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, pre] = viaNpx ? ['npx', ['tsx']] : [process.execPath, ['--import', 'tsx']];
    const child = spawn(cmd, [...pre, 'src-servers/host/agentCli.ts', ...args], { cwd: process.cwd(), env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
