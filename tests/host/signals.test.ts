import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/slow-start.ts', import.meta.url));

function startFixture(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const output = { out: '', err: '' };
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (output.err += d));
  const starting = new Promise<void>((resolve) =>
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      output.out += d;
      if (output.out.includes('STARTING')) resolve();
    }),
  );
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    proc.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  return { proc, output, starting, exited };
}

/**
 * `npm run serve` / `npm run web` stop cleanly on SIGTERM or SIGINT (PROTOCOL.md §9) even when the
 * signal comes while the host is still starting, or right after it printed READY: the handlers are
 * in place before start-up begins, and the stop waits for the start to finish.
 */
describe('a signal during start-up', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s while starting: the host finishes starting, stops, and exits 0', async (signal) => {
    const { proc, output, starting, exited } = startFixture({});
    await starting;
    proc.kill(signal);
    const exit = await exited;
    expect(exit, output.err).toEqual({ code: 0, signal: null });
    expect(output.out).toContain('READY');
    expect(output.out).toContain('STOPPED');
    expect(output.err).toContain(`${signal}: finishing in-flight requests`);
  }, 15_000);

  // The earliest a signal can come: from the start-up code's first synchronous line. Before the
  // handlers were installed ahead of start-up, Node died of it at once (exit by signal).
  it.each(['SIGTERM', 'SIGINT'] as const)('%s from the start-up code\'s first line: still a clean stop', async (signal) => {
    const { output, exited } = startFixture({ SIGNAL_SELF: signal });
    const exit = await exited;
    expect(exit, output.err).toEqual({ code: 0, signal: null });
    expect(output.out).toContain('READY');
    expect(output.out).toContain('STOPPED');
  }, 15_000);
});
