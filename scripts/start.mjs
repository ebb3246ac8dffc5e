// `npm start`: the desktop app when Electron's binary is installed, otherwise the browser
// version (`npm run web`, given any flags after `--`) after one line saying why. STUDIO_START_DRY_RUN=1 prints the decision
// and exits without building or starting anything.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './electron-binary.mjs';
import { planStart } from './start-plan.mjs';

/**
 * Run a child with our terminal, pass Ctrl+C / kill on to it, resolve with its exit code.
 * On POSIX the child leads its own process group and a signal goes to the whole group: `npm run`
 * starts the script through `sh -c`, which would die on SIGTERM and leave the server running.
 */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32';
    const child = spawn(command, args, { stdio: 'inherit', cwd: REPO_ROOT, detached: posix, ...options });
    const forward = (signal) => {
      try {
        if (posix) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // already gone
      }
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    child.on('error', (err) => {
      console.error(`start: could not run ${command}: ${err.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

/** `npm run <script> -- <args>` with the npm that started us when there is one (no shell needed). */
function npmRun(script, extra) {
  const args = ['run', script, ...(extra.length ? ['--', ...extra] : [])];
  const npmCli = process.env.npm_execpath;
  if (npmCli && /npm-cli\.[cm]?js$/.test(basename(npmCli))) return run(process.execPath, [npmCli, ...args]);
  const windows = process.platform === 'win32';
  return run(windows ? 'npm.cmd' : 'npm', args, { shell: windows });
}

function electronViteBuild() {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const cli = join(require.resolve('electron-vite/package.json'), '..', 'bin', 'electron-vite.js');
  return run(process.execPath, [cli, 'build']);
}

async function main() {
  const plan = planStart({ root: REPO_ROOT });
  for (const line of plan.lines) console.log(line);
  const dryRun = process.env.STUDIO_START_DRY_RUN === '1';
  // `npm start -- --in-memory` etc.: flags for the browser version (web.ts), ignored by the desktop app.
  const extra = process.argv.slice(2);

  if (plan.mode === 'web') {
    if (dryRun) return console.log(`dry run: ${plan.reason}; would run: npm run web${extra.length ? ` -- ${extra.join(' ')}` : ''}`), 0;
    return npmRun('web', extra);
  }
  if (dryRun) {
    console.log(`dry run: would build: ${plan.build.build ? `yes (${plan.build.reason})` : 'no (up to date)'}`);
    console.log(`dry run: would run: ${[plan.binary, ...plan.args].join(' ')}`);
    return 0;
  }
  if (plan.build.build) {
    console.log(`Building the app with electron-vite (${plan.build.reason})…`);
    const code = await electronViteBuild();
    if (code !== 0) return code;
  }
  // Set by some terminals (VS Code's); it would make Electron behave as plain Node.
  const { ELECTRON_RUN_AS_NODE: _, ...env } = process.env;
  return run(plan.binary, plan.args, { env });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`start: ${err?.message ?? err}`);
    process.exit(1);
  },
);
