/**
 * The process under test, spawned by bench/run.ts so that its memory is its own.
 *
 *   node --import tsx bench/host-process.ts --storage memory|disk --config '<json>' [--studio]
 *   node --import tsx bench/host-process.ts --floor express
 *   node --import tsx bench/host-process.ts --floor es256 --duration S --warmup S --in-flight N
 *
 * Starts the host (service, provider, mailbox) on free loopback ports — or, with `--floor express`,
 * an empty Express 5 app — and prints one line `READY {"service":…,"provider":…,"mailbox":…}`
 * (with `--studio` also the studio API's URL and its per-launch token, `studio` and `studioToken`).
 * `--floor es256` runs the jose verification loop (bench/floor.ts) first and puts its result in READY.
 * Then it obeys one-word lines on stdin:
 *   rss   → prints `RSS {"peakRssBytes", "sampledPeakRssBytes", "rssBytes", "cpuUs", "systemCpuUs", "minorPageFaults"}`
 *   stop  → stops the host, prints a last RSS line and exits 0 (so does closing stdin).
 *
 * Peak RSS: `process.resourceUsage().maxRSS` is the kernel's high-water mark (reliable, never misses
 * a spike); the 50 ms `memoryUsage.rss()` sampler is kept as a cross-check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    storage: { type: 'string' },
    config: { type: 'string' },
    floor: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'in-flight': { type: 'string' },
    studio: { type: 'boolean', default: false },
  },
});

let sampledPeak = process.memoryUsage.rss();
let peakHeap = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > sampledPeak) sampledPeak = rss;
  const heap = process.memoryUsage().heapTotal;
  if (heap > peakHeap) peakHeap = heap;
}, 50);
sampler.unref();

function rssLine(): string {
  const rss = process.memoryUsage.rss();
  if (rss > sampledPeak) sampledPeak = rss;
  // maxRSS is in kilobytes (getrusage ru_maxrss on Linux).
  const peak = Math.max(process.resourceUsage().maxRSS * 1024, sampledPeak);
  // CPU time of the whole process (all threads: crypto and SQLite work on the libuv pool count too).
  const use = process.resourceUsage();
  const report = {
    peakRssBytes: peak,
    sampledPeakRssBytes: sampledPeak,
    rssBytes: rss,
    cpuUs: use.userCPUTime + use.systemCPUTime,
    systemCpuUs: use.systemCPUTime,
    minorPageFaults: use.minorPageFault,
    // Where the memory is: V8's heap (and its high-water mark, sampled), and Buffers / ArrayBuffers outside it.
    heapTotalBytes: process.memoryUsage().heapTotal,
    peakHeapTotalBytes: peakHeap,
    externalBytes: process.memoryUsage().external,
  };
  return `RSS ${JSON.stringify(report)}\n`;
}

async function startExpressFloor(): Promise<{ urls: Record<string, string>; stop(): Promise<void> }> {
  const { default: express } = await import('express');
  const app = express();
  app.get('/', (_req, res) => {
    res.json({}); // the cheapest JSON answer Express can give: the floor under every row
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urls: { service: url },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startBenchHost(storage: string, configJson: string | undefined, withStudio: boolean) {
  const { startHost } = await import('../src-servers/host/host.js');
  const dataDir = storage === 'disk' ? mkdtempSync(join(tmpdir(), 'ars-bench-')) : undefined;
  const host = await startHost({
    config: configJson ? JSON.parse(configJson) : {},
    inMemory: storage !== 'disk',
    dataDir,
    ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 },
    log: (line) => process.stderr.write(`[host] ${line}\n`),
  });
  // --studio: the studio API on a free port too (bench/studioCheck.ts drives a run through it).
  const studio = withStudio
    ? await (await import('../src-servers/host/studio.js')).startStudioServer(host, 0, { log: (line) => process.stderr.write(`[studio] ${line}\n`) })
    : undefined;
  return {
    urls: {
      service: host.urls.service, provider: host.urls.provider, mailbox: host.urls.mailbox, smtp: host.urls.smtp,
      ...(studio ? { studio: studio.url, studioToken: studio.token } : {}),
    },
    async stop() {
      await studio?.stop();
      await host.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startVerifyFloor() {
  const { es256VerifyFloor } = await import('./floor.js');
  const verify = await es256VerifyFloor({
    durationS: Number(values.duration ?? 10),
    warmupS: Number(values.warmup ?? 2),
    inFlight: Number(values['in-flight'] ?? 10),
  });
  return { urls: { verify } as Record<string, unknown>, stop: async () => {} };
}

async function main() {
  const target =
    values.floor === 'express'
      ? await startExpressFloor()
      : values.floor === 'es256'
        ? await startVerifyFloor()
        : await startBenchHost(values.storage ?? 'memory', values.config, values.studio ?? false);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await target.stop().catch((err) => process.stderr.write(`stop failed: ${(err as Error).message}\n`));
    process.stdout.write(rssLine());
    process.stdout.write('STOPPED\n');
    process.exit(0);
  };

  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'rss') process.stdout.write(rssLine());
    else if (cmd === 'stop') void stop();
  });
  lines.on('close', () => void stop()); // the bench died or finished: never outlive it
  process.on('SIGTERM', () => void stop());

  process.stdout.write(`READY ${JSON.stringify({ ...target.urls, pid: process.pid })}\n`);
}

main().catch((err) => {
  process.stderr.write(`host-process: could not start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
