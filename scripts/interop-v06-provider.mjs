// Interop check (issue 17, "Done when"): our bundled provider against a v0.6 service — the public
// reference's, or ours with --profile v0.6. Plain Node, no dependencies; not part of `npm test`.
// It signs a user (default alice) in at our provider, grants the service's issuer with its events_endpoint as
// events_uri, mints an ID-JAG, registers it (POST identity_endpoint), exchanges the service
// assertion at the token endpoint (RFC 7523), calls the API, then deletes the grant — our provider
// pushes an RFC 8417 SET to the service — and shows that the service now refuses.
//
//   node scripts/interop-v06-provider.mjs [provider=http://127.0.0.1:4120] [service=http://localhost:8320] [email=alice@example.com]
//
// The service must trust the provider's issuer (the reference: REFERENCE_TRUSTED_ISSUERS). A service
// that already has an account with that email answers the step-up (401 interaction_required) instead
// of a clean match — right in v0.6 (§2); pick another user (bob@example.com) for the clean path.
const [provider = 'http://127.0.0.1:4120', service = 'http://localhost:8320', email = 'alice@example.com'] = process.argv.slice(2);
const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

let failed = false;
const show = (step, r, note = '') => console.log(`${step.padEnd(34)} ${r.status} ${note || r.text.slice(0, 160)}`);
const expect = (ok, what) => {
  if (!ok) {
    failed = true;
    console.log(`  ✗ expected ${what}`);
  }
};

async function call(method, url, { json, form, bearer } = {}) {
  const headers = {};
  let body;
  if (json !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(json)];
  if (form !== undefined) [headers['content-type'], body] = ['application/x-www-form-urlencoded', new URLSearchParams(form).toString()];
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json: parsed, headers: res.headers };
}
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

// 1. Discovery (PROTOCOL-v0.6.md §1): the PRM names the AS; the AS metadata names every endpoint.
const prm = await call('GET', `${service}/.well-known/oauth-protected-resource`);
const asBase = prm.json?.authorization_servers?.[0];
const as = await call('GET', `${asBase}/.well-known/oauth-authorization-server`);
const { issuer, token_endpoint: tokenEndpoint, agent_auth: agentAuth } = as.json ?? {};
show('discover', as, `issuer ${issuer}; events_endpoint ${agentAuth?.events_endpoint}`);
expect(issuer && agentAuth?.identity_endpoint && agentAuth?.events_endpoint, 'a v0.6 AS metadata document');
if (failed) process.exit(1);
const resource = `${prm.json.resource.replace(/\/+$/, '')}/resource`;

// 2. Sign in at our provider and grant the service, naming its events_endpoint (PROTOCOL-v0.6.md §6).
const login = await call('POST', `${provider}/login`, { json: { email } });
show('provider POST /login', login, `user ${login.json?.user?.email}`);
const session = login.json?.session_token;
const grant = await call('POST', `${provider}/grants`, { bearer: session, json: { audience: issuer, mode: 'always', events_uri: agentAuth.events_endpoint } });
show('provider POST /grants', grant, `${grant.json?.id} events_uri ${grant.json?.events_uri}`);
expect(grant.status === 201, '201');

// 3. Mint an ID-JAG; it carries auth_time (the v0.6 service requires it fresh).
const jag = await call('POST', `${provider}/id-jag`, { bearer: session, json: { audience: issuer } });
const jagClaims = jag.json?.assertion ? claims(jag.json.assertion) : {};
show('provider POST /id-jag', jag, `aud ${jagClaims.aud}, auth_time ${jagClaims.auth_time} (now ${Math.floor(Date.now() / 1000)})`);
expect(typeof jagClaims.auth_time === 'number', 'auth_time in the ID-JAG');

// 4. Register it (§2), exchange the service assertion (§5), call the API (§1).
const reg = await call('POST', agentAuth.identity_endpoint, { json: { type: 'identity_assertion', assertion_type: ID_JAG, assertion: jag.json?.assertion } });
show('service POST identity_endpoint', reg, `${reg.json?.registration_id} ${reg.json?.registration_type} ${reg.json?.error ?? `scopes ${reg.json?.scopes}`}`);
if (reg.json?.error === 'interaction_required') console.log(`  (the service has an account for ${email} already: the v0.6 step-up; run again with another user for the clean path)`);
expect(reg.status === 200 && reg.json?.identity_assertion, '200 with an identity_assertion');
const tok = await call('POST', tokenEndpoint, { form: { grant_type: JWT_BEARER, assertion: reg.json?.identity_assertion ?? '' } });
show('service POST token_endpoint', tok, `token_type ${tok.json?.token_type} scope ${tok.json?.scope}`);
expect(tok.status === 200 && tok.json?.access_token, 'an access token');
const api = await call('GET', resource, { bearer: tok.json?.access_token });
show('service GET /api/resource', api, `user ${api.json?.user?.email}, source ${api.json?.credential?.source}`);
expect(api.status === 200, '200 from the API');

// 5. Withdraw the grant: our provider pushes a SET to the events_endpoint first (RFC 8935).
const del = await call('DELETE', `${provider}/grants/${grant.json?.id}`, { bearer: session });
show('provider DELETE /grants/:id', del, del.status === 204 ? '(the service took the SET)' : del.text);
expect(del.status === 204, '204');

// 6. The service now refuses what it issued on that grant (PROTOCOL-v0.6.md §4).
const after = await call('GET', resource, { bearer: tok.json?.access_token });
show('service GET /api/resource again', after, `${after.headers.get('www-authenticate') ?? ''} ${after.text.slice(0, 100)}`);
expect(after.status === 401, '401: the access token is revoked');
const again = await call('POST', tokenEndpoint, { form: { grant_type: JWT_BEARER, assertion: reg.json?.identity_assertion ?? '' } });
show('service token_endpoint again', again);
expect(again.status === 400 && again.json?.error === 'invalid_grant', '400 invalid_grant: the assertion is dead');

console.log(failed ? 'INTEROP FAILED' : 'INTEROP OK');
process.exit(failed ? 1 : 0);
