/** PROTOCOL.md §1/§2/§9 — identity types switched off by config, and rate limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { startTestProvider, type TestProvider } from './support/provider.js';
import { expectError, expectOk, postJson } from './support/http.js';
import { discover, registerIdJag, registerVerifiedEmail, uniqueEmail, type Discovered } from './support/service.js';

let tp: TestProvider;
const hosts: RunningHost[] = [];
let noAnon: Discovered, noEmail: Discovered, noJag: Discovered, limited: Discovered;

beforeAll(async () => {
  tp = await startTestProvider();
  const trusted = { trustedIssuers: [tp.issuer] };
  const started = await Promise.all([
    spawnHost({ config: { service: { ...trusted, identityTypes: { anonymous: false } } } }),
    spawnHost({ config: { service: { ...trusted, identityTypes: { verifiedEmail: false } } } }),
    spawnHost({ config: { service: { ...trusted, identityTypes: { idJag: false } } } }),
    spawnHost({ config: { service: { ...trusted, rateLimits: { anonymousPerIpPerHour: 2, identityAssertionPerIpPerHour: 2 } } } }),
  ]);
  hosts.push(...started);
  [noAnon, noEmail, noJag, limited] = await Promise.all(started.map((h) => discover(h.urls.service)));
}, HOST_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  await tp?.close();
}, 30_000);

const anonymous = (d: Discovered) => postJson(d.registerUri, { type: 'anonymous', requested_credential_type: 'api_key' });

describe('identity types off (config) → error and AS metadata agree', () => {
  it('anonymous off → anonymous_not_enabled; metadata lists only identity_assertion', async () => {
    expectError(await anonymous(noAnon), 400, 'anonymous_not_enabled');
    expect(noAnon.as.agent_auth.identity_types_supported).toEqual(['identity_assertion']);
    // The other types still work.
    expectOk(await registerIdJag(noAnon, await tp.mintIdJag(noAnon.issuer)));
    expectOk(await registerVerifiedEmail(noAnon, uniqueEmail('noanon')));
  });

  it('verified email off → verified_email_not_enabled; assertion types list only the ID-JAG', async () => {
    expectError(await registerVerifiedEmail(noEmail, uniqueEmail('noemail')), 400, 'verified_email_not_enabled');
    expect(noEmail.as.agent_auth.identity_assertion.assertion_types_supported).toEqual(['urn:ietf:params:oauth:token-type:id-jag']);
    expect([...noEmail.as.agent_auth.identity_types_supported].sort()).toEqual(['anonymous', 'identity_assertion']);
    expectOk(await anonymous(noEmail));
    expectOk(await registerIdJag(noEmail, await tp.mintIdJag(noEmail.issuer)));
  });

  it('ID-JAG off → id_jag_not_enabled; assertion types list only verified_email', async () => {
    expectError(await registerIdJag(noJag, await tp.mintIdJag(noJag.issuer)), 400, 'id_jag_not_enabled');
    expect(noJag.as.agent_auth.identity_assertion.assertion_types_supported).toEqual(['verified_email']);
    expectOk(await anonymous(noJag));
    expectOk(await registerVerifiedEmail(noJag, uniqueEmail('nojag')));
  });
});

describe('rate limits → 429 rate_limited with Retry-After', () => {
  function expectRetryAfter(res: Awaited<ReturnType<typeof anonymous>>) {
    expectError(res, 429, 'rate_limited');
    const ra = res.headers.get('retry-after');
    expect(ra, res.describe).toBeTruthy();
    const seconds = Number(ra);
    expect(Number.isInteger(seconds) ? seconds > 0 : !Number.isNaN(Date.parse(ra!)), `Retry-After "${ra}" is seconds or an HTTP date`).toBe(true);
  }

  it('the third anonymous registration in the hour is refused', async () => {
    expectOk(await anonymous(limited));
    expectOk(await anonymous(limited));
    expectRetryAfter(await anonymous(limited));
  });

  it('the third identity assertion in the hour is refused', async () => {
    expectOk(await registerVerifiedEmail(limited, uniqueEmail('rl1')));
    expectOk(await registerIdJag(limited, await tp.mintIdJag(limited.issuer)));
    expectRetryAfter(await registerIdJag(limited, await tp.mintIdJag(limited.issuer)));
  });
});
