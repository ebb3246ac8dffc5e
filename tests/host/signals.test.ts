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

/**
 * Issue 14 #8: SIGTERM to the PID of `npm run serve` used to leave the server running — npm passes
 * the signal to its `sh -c` line, which dies without passing it on, and the host under it (then under
 * the tsx CLI) was orphaned, still holding its ports. Now the host stops with its parent.
 */
describe('npm run serve', () => {
  it('SIGTERM to npm\'s PID stops the host: npm exits and the ports stop answering', async () => {
    const REPO = fileURLToPath(new URL('../../', import.meta.url));
    const npm = spawn('npm', ['run', '--silent', 'serve', '--', '--in-memory', '--service-port', '0', '--provider-port', '0', '--mailbox-port', '0', '--smtp-port', '0'], {
      cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true, // its own process group, so cleanup reaches an orphan too
    });
    let out = '';
    let err = '';
    npm.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    try {
      const urls = await new Promise<{ service: string; provider: string }>((resolve, reject) => {
        npm.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const line = out.split('\n').find((l) => l.startsWith('READY '));
          if (line && out.includes(`${line}\n`)) resolve(JSON.parse(line.slice('READY '.length)));
        });
        npm.on('exit', () => reject(new Error(`npm exited before READY: ${err}`)));
      });
      expect((await fetch(`${urls.service}/.well-known/oauth-protected-resource`)).status).toBe(200);
      process.kill(npm.pid!, 'SIGTERM');
      await exited;
      // The host is gone too: its service port refuses connections (polled for a bounded while).
      let answering = true;
      for (let i = 0; i < 40 && answering; i++) {
        answering = await fetch(`${urls.service}/.well-known/oauth-protected-resource`).then(() => true, () => false);
        if (answering) await new Promise((r) => setTimeout(r, 250));
      }
      expect(answering, `the host outlived npm\n${err}`).toBe(false);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    }
  }, 60_000);
});
