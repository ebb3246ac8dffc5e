import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/slow-start.ts', import.meta.url));

/**
 * `npm run serve` / `npm run web` stop cleanly on SIGTERM or SIGINT (PROTOCOL.md §9) even when the
 * signal comes while the host is still starting, or right after it printed READY: the handlers are
 * in place before start-up begins, and the stop waits for the start to finish.
 */
describe('a signal during start-up', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s while starting: the host finishes starting, stops, and exits 0', async (signal) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      proc.on('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    await new Promise<void>((resolve) =>
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('STARTING')) resolve();
      }),
    );
    proc.kill(signal);
    const exit = await exited;
    expect(exit, err).toEqual({ code: 0, signal: null });
    expect(out).toContain('READY');
    expect(out).toContain('STOPPED');
    expect(err).toContain(`${signal}: finishing in-flight requests`);
  }, 15_000);
});
