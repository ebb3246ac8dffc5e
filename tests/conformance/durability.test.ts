import { describe, expect, it } from 'vitest';
import { spawnHost, tempDir } from './support/host.js';

/**
 * PROTOCOL.md §9: state persists under --data-dir. The service commits the writes of one tick
 * together (issue 19's group commit); an answer leaves only after its COMMIT, so every credential
 * a client got a 200 for works after the host is killed without warning.
 */
describe('what got a 200 survives SIGKILL', () => {
  it('every API key answered before a SIGKILL works after a restart on the same --data-dir', async () => {
    const dataDir = tempDir('conformance-durable-');
    const first = await spawnHost({ dataDir });
    const register = async () => {
      const r = await fetch(`${first.urls.service}/agent/auth`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key' }),
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as { credential: string }).credential;
    };
    // Concurrent, so several land in one commit; killed the moment the last answer is read.
    const keys = await Promise.all(Array.from({ length: 24 }, register));
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await spawnHost({ dataDir });
    try {
      for (const key of keys) {
        const r = await fetch(`${second.urls.service}/api/resource`, { headers: { authorization: `Bearer ${key}` } });
        expect(r.status, key.slice(0, 12)).toBe(200);
      }
    } finally {
      await second.stop();
    }
  }, 120_000);
});
