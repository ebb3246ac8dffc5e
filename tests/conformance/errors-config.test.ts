/** PROTOCOL.md §1/§2/§9 — identity types switched off by config, and rate limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HOOK_TIMEOUT_MS, spawnHost, type RunningHost } from './support/host.js';
import { startTestProvider, type TestProvider } from './support/provider.js';
import { bearer, expectError, expectOk, parseBearerChallenge, postForm, postJson, sleep } from './support/http.js';
import { discover, JWT_BEARER, readResource, registerIdJag, registerVerifiedEmail, uniqueEmail, type Discovered } from './support/service.js';

let tp: TestProvider;
const hosts: RunningHost[] = [];
let noAnon: Discovered, noEmail: Discovered, noJag: Discovered, limited: Discovered, strict: Discovered;
let strictHost: RunningHost;

beforeAll(async () => {
  tp = await startTestProvider();
  const trusted = { trustedIssuers: [tp.issuer] };
  const started = await Promise.all([
    spawnHost({ config: { service: { ...trusted, identityTypes: { anonymous: false } } } }),
    spawnHost({ config: { service: { ...trusted, identityTypes: { verifiedEmail: false } } } }),
    spawnHost({ config: { service: { ...trusted, identityTypes: { idJag: false } } } }),
    spawnHost({ config: { service: { ...trusted, rateLimits: { anonymousPerIpPerHour: 2, identityAssertionPerIpPerHour: 2 } } } }),
    spawnHost({ config: { service: { ...trusted, trustBundledProvider: false, accessTokenTtlSeconds: 1 }, provider: { idJagTtlSeconds: 60 } } }),
  ]);
  hosts.push(...started);
  strictHost = started[4];
  [noAnon, noEmail, noJag, limited, strict] = await Promise.all(started.map((h) => discover(h.urls.service)));
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

describe('trust and lifetimes from config', () => {
  async function bundledIdJag() {
    const p = strictHost.urls.provider;
    const login = await postJson(`${p}/login`, { email: 'alice@example.com' });
    expectOk(login);
    expectOk(await postJson(`${p}/grants`, { audience: strict.issuer, mode: 'once' }, bearer(login.json.session_token)), 201);
    const res = await postJson(`${p}/id-jag`, { audience: strict.issuer }, bearer(login.json.session_token));
    expectOk(res);
    return res.json;
  }

  it('trustBundledProvider false → an ID-JAG from the bundled provider is invalid_issuer', async () => {
    const jag = await bundledIdJag();
    expectError(await registerIdJag(strict, jag.assertion), 400, 'invalid_issuer');
  });

  it('provider.idJagTtlSeconds sets the ID-JAG lifetime', async () => {
    const jag = await bundledIdJag();
    expect(jag.expires_in).toBe(60);
    const claims = JSON.parse(Buffer.from(jag.assertion.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(60);
  });

  it('accessTokenTtlSeconds: an expired access token → 401 invalid_token', async () => {
    const reg = await registerIdJag(strict, await tp.mintIdJag(strict.issuer), 'access_token');
    expectOk(reg);
    expect(Date.parse(reg.json.credential_expires) - Date.now()).toBeLessThanOrEqual(1_000);
    const tok = await postForm(strict.tokenEndpoint, { grant_type: JWT_BEARER, assertion: await tp.mintIdJag(strict.issuer) });
    expectOk(tok);
    expect(tok.json.expires_in).toBeLessThanOrEqual(1);
    await sleep(2_200);
    for (const credential of [reg.json.credential, tok.json.access_token]) {
      const res = await readResource(strict, credential);
      expect(res.status, res.describe).toBe(401);
      expect(parseBearerChallenge(res.headers.get('www-authenticate')).error).toBe('invalid_token');
    }
  });
});
