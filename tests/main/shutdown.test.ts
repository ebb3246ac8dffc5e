import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { quitGuard } from '../../src-main/shutdown.js';

function quitEvent() {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
  return e;
}

/** Resolves when `quit` has been called. */
function quitSignal() {
  let calls = 0;
  let resolve!: () => void;
  const called = new Promise<void>((r) => (resolve = r));
  return {
    quit: () => {
      calls++;
      resolve();
    },
    called,
    calls: () => calls,
  };
}

async function listening(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('quitGuard', () => {
  it('holds the quit until the servers have stopped, then quits once', async () => {
    const { server, url } = await listening();
    expect(await (await fetch(url)).text()).toBe('ok');
    let stops = 0;
    const stop = () => {
      stops++;
      return new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
    };
    const q = quitSignal();
    const onBeforeQuit = quitGuard(stop, q.quit);

    const first = quitEvent();
    onBeforeQuit(first);
    expect(first.prevented).toBe(true);
    // Asked again while stopping (user presses Cmd+Q twice): still held, stop not run twice.
    const second = quitEvent();
    onBeforeQuit(second);
    expect(second.prevented).toBe(true);

    await q.called;
    expect(stops).toBe(1);
    expect(q.calls()).toBe(1);
    await expect(fetch(url)).rejects.toThrow();

    // The quit we resumed comes back through 'before-quit': now it goes through.
    const third = quitEvent();
    onBeforeQuit(third);
    expect(third.prevented).toBe(false);
    expect(stops).toBe(1);
  });

  it('still quits when stopping fails, and says why', async () => {
    const lines: string[] = [];
    const q = quitSignal();
    quitGuard(() => Promise.reject(new Error('database is locked')), q.quit, { log: (l) => lines.push(l) })(quitEvent());
    await q.called;
    expect(lines).toEqual(['shutdown: database is locked']);
  });

  it('still quits when a server never finishes stopping', async () => {
    const lines: string[] = [];
    const q = quitSignal();
    quitGuard(() => new Promise<void>(() => {}), q.quit, { timeoutMs: 10, log: (l) => lines.push(l) })(quitEvent());
    await q.called;
    expect(lines[0]).toMatch(/did not stop within 10 ms/);
  });
});
