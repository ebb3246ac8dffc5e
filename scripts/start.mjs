// `npm start`: the desktop app when Electron's binary is installed, otherwise the browser
// version (`npm run web`, given any flags after `--`) after one line saying why, opened in the
// default browser when there is one to open. The first desktop start also prepares better-sqlite3
// for Electron (scripts/electron-native.mjs). STUDIO_START_DRY_RUN=1 prints the decision and
// exits without building or starting anything.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './electron-binary.mjs';
import { prepareElectronNative } from './electron-native.mjs';
import { browserOpener, nativeFallbackLine, planStart } from './start-plan.mjs';

/**
 * Run a child with our terminal, pass Ctrl+C / kill on to it, resolve with its exit code.
 * On POSIX the child leads its own process group and a signal goes to the whole group: `npm run`
 * starts the script through `sh -c`, which would die on SIGTERM and leave the server running.
 */
function run(command, args, { onLine, ...options } = {}) {
  return new Promise((resolve) => {
    const posix = process.platform !== 'win32';
    const stdio = onLine ? ['inherit', 'pipe', 'inherit'] : 'inherit';
    const child = spawn(command, args, { stdio, cwd: REPO_ROOT, detached: posix, ...options });
    if (onLine) {
      // Passed through as it comes; each whole line is also shown to onLine.
      let partial = '';
      child.stdout.on('data', (chunk) => {
        process.stdout.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        for (const line of lines) onLine(line);
      });
    }
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
function npmRun(script, extra, options = {}) {
  const args = ['run', script, ...(extra.length ? ['--', ...extra] : [])];
  const npmCli = process.env.npm_execpath;
  if (npmCli && /npm-cli\.[cm]?js$/.test(basename(npmCli))) return run(process.execPath, [npmCli, ...args], options);
  const windows = process.platform === 'win32';
  return run(windows ? 'npm.cmd' : 'npm', args, { shell: windows, ...options });
}

/** Open a URL in the default browser without waiting for it (the browser outlives us). */
function openInBrowser(url) {
  const opener = browserOpener();
  if (!opener.open) return;
  const child = spawn(opener.command, [...opener.args, url], { stdio: 'ignore', detached: true, windowsVerbatimArguments: true });
  child.on('error', (err) => console.error(`start: could not open a browser (${opener.command}: ${err.message}); open ${url} yourself`));
  child.unref();
}

/** The browser version; once web.ts reports READY, its studio page in the default browser. */
function startWeb(extra) {
  let opened = false;
  return npmRun('web', extra, {
    onLine(line) {
      if (opened || !line.startsWith('READY ')) return;
      opened = true;
      try {
        openInBrowser(JSON.parse(line.slice('READY '.length)).studio);
      } catch {
        // Not the line we know: the URL is on screen anyway.
      }
    },
  });
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
    return startWeb(extra);
  }
  if (dryRun) {
    const { native } = plan;
    console.log(
      `dry run: would prepare better-sqlite3 for Electron: ${native.build ? `yes (${native.reason})${native.file ? ` → ${native.file}` : ''}` : `no (ready: ${native.file})`}`,
    );
    console.log(`dry run: would build: ${plan.build.build ? `yes (${plan.build.reason})` : 'no (up to date)'}`);
    console.log(`dry run: would run: ${[plan.binary, ...plan.args].join(' ')}`);
    return 0;
  }
  if (plan.native.build) {
    console.log(`Preparing better-sqlite3 for Electron, once (${plan.native.reason})…`);
    const native = prepareElectronNative(REPO_ROOT);
    if (!native.ok) {
      console.log(nativeFallbackLine(native.reason));
      return startWeb(extra);
    }
    console.log(`better-sqlite3 for Electron: ${native.how} → ${native.file}`);
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
