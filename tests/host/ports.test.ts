import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { closeServer, listenWithFallback, LOOPBACK } from '../../src-servers/host/ports.js';

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => closeServer(s)));
});

function server() {
  const s = createServer((_req, res) => res.end('ok'));
  open.push(s);
  return s;
}

describe('listening on loopback', () => {
  it('binds 127.0.0.1 only', async () => {
    const s = server();
    await listenWithFallback(s, 0, 'test', () => {});
    expect((s.address() as { address: string }).address).toBe(LOOPBACK);
  });

  it('says so and picks a free port when the wanted one is taken', async () => {
    const taken = server();
    const port = await listenWithFallback(taken, 0, 'first', () => {});
    const lines: string[] = [];
    const second = server();
    const chosen = await listenWithFallback(second, port, 'service', (l) => lines.push(l));
    expect(chosen).not.toBe(port);
    expect(lines).toEqual([`port ${port} for the service is already in use; using ${chosen} instead`]);
    expect(await (await fetch(`http://${LOOPBACK}:${chosen}/`)).text()).toBe('ok');
  });

  it('lets an in-flight request finish when closing', async () => {
    const s = createServer((_req, res) => setTimeout(() => res.end('finished'), 200));
    open.push(s);
    const port = await listenWithFallback(s, 0, 'slow', () => {});
    const pending = fetch(`http://${LOOPBACK}:${port}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    await closeServer(s);
    expect(await pending).toBe('finished');
  });
});
