/**
 * Spawn the host exactly as a user would (PROTOCOL.md §9): a child process, flags on the
 * command line, the READY line on stdout. Nothing from src-servers is imported — the
 * conformance suite only knows the written contract.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVE = join(REPO_ROOT, 'src-servers', 'host', 'serve.ts');

export interface ReadyUrls {
  service: string;
  provider: string;
  mailbox: string;
  studio?: string;
}

export interface HostOptions {
  /** Written to a temp JSON file and passed with --config. */
  config?: unknown;
  /** Use --data-dir DIR instead of --in-memory. */
  dataDir?: string;
  /** Port flags; every one defaults to 0 (any free port) so suites never collide. */
  ports?: { service?: number; provider?: number; mailbox?: number; smtp?: number };
  /** Extra raw arguments. */
  args?: string[];
  readyTimeoutMs?: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningHost {
  urls: ReadyUrls;
  readyLine: string;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** SIGTERM, wait (bounded) for the exit; SIGKILL if it hangs. */
  stop(timeoutMs?: number): Promise<Exit>;
}

const tempDirs: string[] = [];

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(prefix = 'conformance-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function writeConfig(config: unknown): string {
  const file = join(tempDir('conformance-config-'), 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

export function hostArgs(opts: HostOptions): string[] {
  const args: string[] = [];
  if (opts.config !== undefined) args.push('--config', writeConfig(opts.config));
  if (opts.dataDir) args.push('--data-dir', opts.dataDir);
  else args.push('--in-memory');
  const p = { service: 0, provider: 0, mailbox: 0, smtp: 0, ...opts.ports };
  args.push('--service-port', String(p.service), '--provider-port', String(p.provider));
  args.push('--mailbox-port', String(p.mailbox), '--smtp-port', String(p.smtp));
  return [...args, ...(opts.args ?? [])];
}

/** Start `node --import tsx serve.ts` directly, so signals reach the host itself (no npx wrapper in between). */
export function launch(args: string[]) {
  const proc = spawn(process.execPath, ['--import', 'tsx', SERVE, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, exited, stdout: () => out, stderr: () => err };
}

/**
 * Starting a host compiles TypeScript on the fly; on a loaded two-core CI box with several suites
 * spawning hosts at once that takes far longer than on a laptop, so the bound is generous.
 */
export const READY_TIMEOUT_MS = 90_000;
/** For beforeAll hooks that start hosts (vitest's default hook timeout is 30 s). */
export const HOST_HOOK_TIMEOUT_MS = 180_000;

const running = new Set<RunningHost>();
// A crashed test run must not leave hosts behind.
process.once('exit', () => {
  for (const h of running) h.proc.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Wait for the READY line (PROTOCOL.md §9), bounded. */
export function readReady(l: ReturnType<typeof launch>, timeoutMs: number): Promise<{ line: string; urls: ReadyUrls }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no READY line within ${timeoutMs} ms\nstdout:\n${l.stdout()}\nstderr:\n${l.stderr()}`));
    }, timeoutMs);
    const check = () => {
      const line = l.stdout().split('\n').find((x) => x.startsWith('READY '));
      if (!line || !l.stdout().includes(line + '\n')) return;
      cleanup();
      try {
        resolve({ line, urls: JSON.parse(line.slice('READY '.length)) });
      } catch (e) {
        reject(new Error(`READY line is not followed by JSON: ${line}`));
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`host exited (code ${code}) before READY\nstdout:\n${l.stdout()}\nstderr:\n${l.stderr()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      l.proc.stdout!.off('data', check);
      l.proc.off('exit', onExit);
    };
    l.proc.stdout!.on('data', check);
    l.proc.on('exit', onExit);
    check();
  });
}

export async function spawnHost(opts: HostOptions = {}): Promise<RunningHost> {
  const l = launch(hostArgs(opts));
  let ready;
  try {
    ready = await readReady(l, opts.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (e) {
    l.proc.kill('SIGKILL');
    throw e;
  }
  const host: RunningHost = {
    urls: ready.urls,
    readyLine: ready.line,
    proc: l.proc,
    stdout: l.stdout,
    stderr: l.stderr,
    exited: l.exited,
    async stop(timeoutMs = 6_000) {
      running.delete(host);
      if (l.proc.exitCode !== null || l.proc.signalCode !== null) return l.exited;
      l.proc.kill('SIGTERM');
      const timer = setTimeout(() => l.proc.kill('SIGKILL'), timeoutMs);
      const exit = await l.exited;
      clearTimeout(timer);
      return exit;
    },
  };
  running.add(host);
  return host;
}

/** Run the host expecting it to exit by itself (e.g. a bad config); bounded. */
export async function runToExit(args: string[], timeoutMs = 20_000): Promise<Exit & { stdout: string; stderr: string }> {
  const l = launch(args);
  const timer = setTimeout(() => l.proc.kill('SIGKILL'), timeoutMs);
  const exit = await l.exited;
  clearTimeout(timer);
  return { ...exit, stdout: l.stdout(), stderr: l.stderr() };
}
