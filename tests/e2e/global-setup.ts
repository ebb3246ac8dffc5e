import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { findChromium } from '../../scripts/ensure-chromium.mjs';

/**
 * Start the real host + studio (`web.ts`, in memory, every port free) and wait for its READY line.
 * The URLs reach the tests through the environment; the returned function stops it again.
 */
export default async function globalSetup() {
  // `npx playwright test` on a machine without a browser: one line that says what to install.
  const chromium = findChromium({ allowInstall: false });
  if (!chromium.ok) throw new Error(chromium.message);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-servers/host/web.ts', '--in-memory',
      '--service-port', '0', '--provider-port', '0', '--mailbox-port', '0', '--smtp-port', '0', '--companion-port', '0', '--studio-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const errors: string[] = [];
  child.stderr.on('data', (d: Buffer) => errors.push(d.toString()));

  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web.ts did not print READY within 30 s\n${errors.join('')}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`web.ts exited with ${code}\n${errors.join('')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(6)));
    });
  });
  process.env.STUDIO_URL = urls.studio;
  process.env.SERVICE_URL = urls.service;
  process.env.PROVIDER_URL = urls.provider;
  process.env.MAILBOX_URL = urls.mailbox;

  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
}
