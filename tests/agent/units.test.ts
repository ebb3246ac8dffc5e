import { describe, expect, it } from 'vitest';
import { decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, importJWK } from 'jose';
import { decide } from '../../src-servers/agent/decision.js';
import { asMetadataUrl, parseWwwAuthenticate, type AuthorizationServerMetadata } from '../../src-servers/agent/discovery.js';
import { FLOWS, flowPlan, nameSteps } from '../../src-servers/agent/flows.js';
import { findEndpoint, findLink, parseForms, pressButton } from '../../src-servers/agent/html.js';
import { retryAfterSeconds } from '../../src-servers/agent/http.js';
import { SCENARIOS } from '../../src-servers/agent/scenarios.js';
import { findJwts, mintForeignIdJag, tamperClaims, UNTRUSTED_ISSUER } from '../../src-servers/agent/tokens.js';
import { TOKEN_TYPE_ID_JAG } from '../../src-servers/protocol/constants.js';

const ID_JAG = TOKEN_TYPE_ID_JAG;

function metadata(identity: string[], assertions: string[]): AuthorizationServerMetadata {
  return {
    issuer: 'https://as.example',
    agent_auth: {
      register_uri: 'https://as.example/agent/auth',
      identity_types_supported: identity,
      identity_assertion: { assertion_types_supported: assertions },
    },
  };
}
const everything = metadata(['anonymous', 'identity_assertion'], [ID_JAG, 'verified_email']);
const session = { issuer: 'https://provider.example', email: 'alice@example.com' };

describe("AUTH.md's decision tree", () => {
  it('chooses ID-JAG when the agent holds a provider session and the service lists id-jag, and says why', () => {
    const d = decide({ metadata: everything, wallet: { providerSession: session } });
    expect(d.method).toBe('id-jag');
    expect(d.why.join(' ')).toContain(`the service lists ${ID_JAG} in assertion_types_supported`);
    expect(d.why.join(' ')).toContain('I hold a session at the provider https://provider.example');
  });

  it('chooses verified email when the agent only knows the email', () => {
    const d = decide({ metadata: everything, wallet: { email: 'bob@example.com' } });
    expect(d.method).toBe('verified-email');
    expect(d.why.join(' ')).toContain('bob@example.com');
  });

  it('chooses anonymous when the agent knows nothing', () => {
    expect(decide({ metadata: everything, wallet: {} }).method).toBe('anonymous');
  });

  it('falls through when the service does not list a method', () => {
    const noIdJag = metadata(['anonymous', 'identity_assertion'], ['verified_email']);
    const d = decide({ metadata: noIdJag, wallet: { providerSession: session } });
    expect(d.method).toBe('verified-email');
    expect(d.why.join(' ')).toContain(`does not list ${ID_JAG}`);
    expect(decide({ metadata: metadata(['anonymous'], []), wallet: { providerSession: session } }).method).toBe('anonymous');
  });

  it('respects methods an earlier answer ruled out (invalid_issuer → next method)', () => {
    const d = decide({ metadata: everything, wallet: { providerSession: session }, excluded: { 'id-jag': 'not trusted' } });
    expect(d.method).toBe('verified-email');
    expect(d.why.join(' ')).toContain('not trusted');
  });

  it('gives up with reasons when nothing is left', () => {
    const d = decide({ metadata: metadata(['identity_assertion'], [ID_JAG]), wallet: {} });
    expect(d.method).toBeNull();
    expect(d.why.at(-1)).toMatch(/no registration method is left/);
  });
});

describe('discovery parsing', () => {
  it('reads resource_metadata and error from WWW-Authenticate (RFC 6750 §3, RFC 9728 §5.1)', () => {
    const c = parseWwwAuthenticate('Bearer resource_metadata="http://127.0.0.1:8000/.well-known/oauth-protected-resource", error="invalid_token", error_description="gone, really"');
    expect(c?.scheme).toBe('Bearer');
    expect(c?.params.resource_metadata).toBe('http://127.0.0.1:8000/.well-known/oauth-protected-resource');
    expect(c?.params.error).toBe('invalid_token');
    expect(c?.params.error_description).toBe('gone, really');
    expect(parseWwwAuthenticate(null)).toBeUndefined();
  });

  it('builds the AS metadata URL per RFC 8414 §3.1, also for issuers with a path', () => {
    expect(asMetadataUrl('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000/.well-known/oauth-authorization-server');
    expect(asMetadataUrl('https://as.example/tenant1')).toBe('https://as.example/.well-known/oauth-authorization-server/tenant1');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '7' }))).toBe(7);
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'Tue, 01 Jan 2030 00:00:30 GMT' }), now)).toBe(30);
    expect(retryAfterSeconds(new Headers())).toBeUndefined();
  });
});

describe("the simulated person's browser", () => {
  const page = `<form method="post" action="/consent/requests/cr_1/approve"><input type="hidden" name="csrf" value="t&amp;1">
    <button type="submit" name="mode" value="once" class="primary">Allow once</button>
    <button type="submit" name="mode" value="always">Always allow</button></form>
    <form method="post" action="/consent/requests/cr_1/deny"><button type="submit">Deny</button></form>`;

  it('presses the button a person would, sending hidden fields and the button value', () => {
    const forms = parseForms(page, 'http://127.0.0.1:4000/consent?request=cr_1');
    const always = pressButton(forms, /always allow/i)!;
    expect(always.form.action).toBe('http://127.0.0.1:4000/consent/requests/cr_1/approve');
    expect(always.body).toEqual({ csrf: 't&1', mode: 'always' });
    const deny = pressButton(forms, /deny/i)!;
    expect(deny.form.action).toBe('http://127.0.0.1:4000/consent/requests/cr_1/deny');
    expect(deny.body).toEqual({});
    expect(pressButton(forms, /maybe/i)).toBeUndefined();
  });

  it("sends a button's formaction and formmethod instead of the form's, with the form's fields", () => {
    const oneForm = `<form method="post" action="/consent/requests/cr_1/approve"><input type="hidden" name="csrf" value="t1">
      <button type="submit" name="mode" value="once">Allow once</button>
      <button type="submit" class="deny" formaction="/consent/requests/cr_1/deny">Deny</button>
      <button type="submit" formaction="/elsewhere" formmethod="get">Look</button></form>`;
    const forms = parseForms(oneForm, 'http://127.0.0.1:4000/consent?request=cr_1');
    const once = pressButton(forms, /allow once/i)!;
    expect(once.form.action).toBe('http://127.0.0.1:4000/consent/requests/cr_1/approve');
    const deny = pressButton(forms, /deny/i)!;
    expect(deny.form.action).toBe('http://127.0.0.1:4000/consent/requests/cr_1/deny');
    expect(deny.form.method).toBe('POST');
    expect(deny.body).toEqual({ csrf: 't1' });
    expect(pressButton(forms, /look/i)!.form).toMatchObject({ action: 'http://127.0.0.1:4000/elsewhere', method: 'GET' });
  });

  it('finds the claim link in a mail and an endpoint named in a page script', () => {
    const text = 'Hello,\nSee https://example.com/help\nClaim: http://127.0.0.1:8000/agent/auth/claim/view?token=cv_abc\n';
    expect(findLink(text)).toBe('http://127.0.0.1:8000/agent/auth/claim/view?token=cv_abc');
    const html = `<script>fetch('/agent/auth/claim/attempt/challenge', {method:'POST'})</script>`;
    expect(findEndpoint(html, 'http://127.0.0.1:8000/agent/auth/claim/view?token=x', '/challenge')).toBe(
      'http://127.0.0.1:8000/agent/auth/claim/attempt/challenge',
    );
  });
});

describe('lesson tokens', () => {
  it('a tampered token keeps its signature, which then no longer verifies', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwt = await new SignJWT({ email: 'alice@example.com' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const bad = tamperClaims(jwt, (c) => (c.email = 'mallory@example.com'));
    expect(decodeJwt(bad).email).toBe('mallory@example.com');
    expect(bad.split('.')[2]).toBe(jwt.split('.')[2]);
    await expect(jwtVerify(bad, publicKey)).rejects.toThrow();
    await expect(jwtVerify(jwt, publicKey)).resolves.toBeTruthy();
  });

  it('a foreign ID-JAG is well-formed, from an untrusted issuer, and verifies only with its own key', async () => {
    const { jwt, publicJwk } = await mintForeignIdJag({ sub: 'usr_1', aud: 'http://127.0.0.1:8000', email: 'a@example.com' });
    const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(publicJwk, 'ES256'));
    expect(protectedHeader.typ).toBe('oauth-id-jag+jwt');
    expect(payload.iss).toBe(UNTRUSTED_ISSUER);
    expect(payload.aud).toBe('http://127.0.0.1:8000');
    expect(typeof payload.jti).toBe('string');
    const other = await exportJWK((await generateKeyPair('ES256')).publicKey);
    await expect(jwtVerify(jwt, await importJWK(other, 'ES256'))).rejects.toThrow();
    expect(findJwts(`{"assertion":"${jwt}"}`)).toEqual([jwt]);
  });
});

describe('flows and scenarios catalogue', () => {
  it('names repeated steps uniquely', () => {
    expect(nameSteps(['probe', 'decide', 'probe', 'probe'])).toEqual(['probe', 'decide', 'probe-2', 'probe-3']);
  });

  it('lists the four flows with their planned steps', () => {
    expect(FLOWS.map((f) => f.id)).toEqual(['id-jag', 'verified-email', 'anonymous', 'revocation']);
    for (const f of FLOWS) {
      expect(f.steps.map((s) => s.name)).toEqual(nameSteps(flowPlan(f.id)));
      expect(f.steps.every((s) => s.title.length > 0)).toBe(true);
    }
    expect(FLOWS.find((f) => f.id === 'revocation')!.steps.at(-1)!.name).toBe('request_consent-2');
  });

  it('every scenario names its flow, expectation and remedy', () => {
    expect(SCENARIOS.length).toBe(19);
    for (const s of SCENARIOS) {
      expect(FLOWS.some((f) => f.id === s.flow)).toBe(true);
      expect(s.expected.length && s.remedy.length && s.lesson.length).toBeTruthy();
    }
  });
});
