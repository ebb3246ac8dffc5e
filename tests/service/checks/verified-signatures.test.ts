/**
 * The trace's display reuses what the service has just verified (issue 19) — and nothing else:
 * the service itself never accepts a token from that memo, and a token it did not verify is
 * checked against the issuer's keys as before.
 */
import { exportJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { IssuerKeys } from '../../../src-servers/keys/issuerKeys.js';
import { VerifiedSignatures } from '../../../src-servers/keys/verifiedSignatures.js';
import { ISSUER, JWKS_URI, mint, newKey, NOW, testEnv, type Keys } from './support.js';

let k1: Keys;
let k2: Keys;
beforeAll(async () => {
  [k1, k2] = await Promise.all([newKey('k1'), newKey('k2')]);
});

function pair() {
  const { docs } = testEnv({ published: [k1] });
  const signatures = new VerifiedSignatures(() => NOW);
  const now = () => NOW;
  const service = new IssuerKeys({ fetch: docs.fetch, now, verified: { signatures, mode: 'remember' } });
  const display = new IssuerKeys({ fetch: docs.fetch, now, verified: { signatures, mode: 'reuse' } });
  return { docs, signatures, service, display };
}

const failure = (p: Promise<unknown>) => p.then(() => 'accepted', (e: { code?: string }) => e.code ?? 'error');

describe('signatures verified by the service', () => {
  it('the display answers from the service\'s verification, fetching nothing itself', async () => {
    const { docs, service, display } = pair();
    const token = await mint(k1);
    const verified = await service.verify(ISSUER, token);
    expect(verified).toEqual({ jwksUri: JWKS_URI, key: expect.anything() });
    const fetched = docs.hits(JWKS_URI);
    const shown = await display.verify(ISSUER, token);
    expect(shown).toEqual({ jwksUri: JWKS_URI, key: expect.anything() });
    expect(docs.hits(JWKS_URI)).toBe(fetched); // the display's own key set was never loaded
    // The display learns which key verified it (the inspector shows it, as jwt.io does): k1's public part.
    expect(shown.key).toBe(verified.key);
    const { kid: _kid, alg: _alg, use: _use, ...k1Public } = k1.publicJwk;
    expect(await exportJWK(shown.key!)).toEqual(k1Public);
  });

  it('a token the service did not verify is still checked: a forged one is rejected by the display', async () => {
    const { display } = pair();
    expect(await failure(display.verify(ISSUER, await mint({ ...k2, kid: 'k1' })))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('the service never takes the memo\'s word: a token noted there but forged is rejected', async () => {
    const { signatures, service } = pair();
    const forged = await mint({ ...k2, kid: 'k1' });
    signatures.remember(ISSUER, forged, JWKS_URI);
    expect(await failure(service.verify(ISSUER, forged))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});
