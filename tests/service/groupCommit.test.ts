import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src-servers/host/config.js';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { createService, serviceMigrations } from '../../src-servers/service/index.js';
import { getResource, registerAnonymous } from './helpers.js';

/**
 * Group commit (issue 19): the writes of one tick share one COMMIT, and no answer leaves before
 * the COMMIT of the writes it reports — what got a 200 is on disk, whatever happens next.
 */
let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'group-commit-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serviceOnFile(dbFile: string, onFirstByte: (socket: Socket) => void) {
  const db = openDatabase(dbFile, serviceMigrations);
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handle = createService({ baseUrl: url, config: parseConfig({}).service, db, trustedIssuers: [], sendMail: async () => {}, log: () => {} });
  server.on('request', handle.app);
  // Watch the bytes of each answer as they are handed to the kernel.
  server.on('connection', (socket: Socket) => {
    const write = socket.write;
    socket.write = function (this: Socket, ...args: unknown[]) {
      onFirstByte(this);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as Socket['write'];
  });
  return {
    url,
    async close() {
      handle.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      db.close();
    },
  };
}

describe('group commit', () => {
  it('an answer reaches the socket only once another connection can read what it reports', async () => {
    const dbFile = join(dir, 'held.db');
    // A second connection sees only committed rows: what it counts is what a crash would keep.
    let reader: Database.Database | undefined;
    const seenAtFirstByte: number[] = [];
    let svc: Awaited<ReturnType<typeof serviceOnFile>> | undefined;
    try {
      svc = await serviceOnFile(dbFile, () => {
        seenAtFirstByte.push((reader!.prepare('SELECT COUNT(*) AS n FROM credentials').get() as { n: number }).n);
      });
      reader = new Database(dbFile, { readonly: true });
      const regs = await Promise.all(Array.from({ length: 12 }, () => registerAnonymous(svc!)));
      expect(new Set(regs.map((r) => r.credential)).size).toBe(12);
      // Every answer's first byte came after its credential was committed: 12 answers, and when the
      // last one began the file held all 12 credentials; none began with fewer than one.
      expect(seenAtFirstByte.length).toBeGreaterThanOrEqual(12);
      expect(Math.min(...seenAtFirstByte)).toBeGreaterThanOrEqual(1);
      expect(seenAtFirstByte.at(-1)).toBe(12);
      for (const r of regs) expect((await getResource(svc, r.credential)).status).toBe(200);
    } finally {
      await svc?.close();
      reader?.close();
    }
  });
});
