import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hardenServer, SERVER_OPTIONS } from '../http/limits.js';

/** Loopback only: the host never listens on a public interface. */
export const LOOPBACK = '127.0.0.1';

export function originOf(server: { address(): AddressInfo | string | null }): string {
  const addr = server.address() as AddressInfo;
  return `http://${LOOPBACK}:${addr.port}`;
}

function tryListen(server: { listen: Server['listen']; once: Server['once']; off: Server['off'] }, port: number) {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err);
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Listen on `port` (0 = any free port). When a fixed port is taken, say so and take a free one:
 * a second copy of the studio must still start.
 */
export async function listenWithFallback<T extends Server | import('node:net').Server>(
  server: T,
  port: number,
  name: string,
  log: (line: string) => void,
): Promise<number> {
  try {
    await tryListen(server as unknown as Server, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (port === 0 || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw err;
    await tryListen(server as unknown as Server, 0);
    const chosen = (server.address() as AddressInfo).port;
    log(`port ${port} for the ${name} is ${code === 'EADDRINUSE' ? 'already in use' : 'not allowed'}; using ${chosen} instead`);
    return chosen;
  }
  return (server.address() as AddressInfo).port;
}

/** An HTTP server whose request handler can be swapped (a data reset recreates the roles). */
export function createSwappableServer() {
  let handler: ((req: any, res: any) => void) | null = null;
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    if (handler) return handler(req, res);
    res.statusCode = 503;
    res.setHeader('content-type', 'application/json');
    res.setHeader('retry-after', '1');
    res.end(JSON.stringify({ error: 'temporarily_unavailable', message: 'The host is starting; try again in a moment.' }));
  });
  server.keepAliveTimeout = 5_000;
  hardenServer(server);
  return {
    server,
    setHandler(h: typeof handler) {
      handler = h;
    },
  };
}

/** Stop accepting, let in-flight requests finish, then cut what is left after `graceMs`. */
export function closeServer(server: Server, graceMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    // Keep-alive sockets turn idle as their last response ends; close each as soon as it does.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
