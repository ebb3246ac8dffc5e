/** Discovery and the client side of registration/claim, driven only by PROTOCOL.md §1–§3, §8. */
import { expect } from 'vitest';
import { bearer, get, postJson, sleep, expectOk, type Res } from './http.js';

export const ID_JAG_URN = 'urn:ietf:params:oauth:token-type:id-jag';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_URN = 'urn:ietf:params:oauth:token-type:id_token';

export interface Discovered {
  service: string;
  resourceUrl: string;
  prm: any;
  as: any;
  issuer: string;
  registerUri: string;
  claimUri: string;
  challengeUri: string;
  completeUri: string;
  revocationUri: string;
  tokenEndpoint: string;
}

/** Follow the chain an agent follows: 401 → PRM → AS metadata (PROTOCOL.md §1). */
export async function discover(service: string): Promise<Discovered> {
  const prmRes = await get(`${service}/.well-known/oauth-protected-resource`);
  expectOk(prmRes);
  const asBase: string = prmRes.json.authorization_servers[0];
  const asRes = await get(`${asBase.replace(/\/$/, '')}/.well-known/oauth-authorization-server`);
  expectOk(asRes);
  const as = asRes.json;
  const claimUri: string = as.agent_auth.claim_uri;
  return {
    service,
    resourceUrl: `${service}/api/resource`,
    prm: prmRes.json,
    as,
    issuer: as.issuer,
    registerUri: as.agent_auth.register_uri,
    claimUri,
    challengeUri: `${claimUri}/attempt/challenge`,
    completeUri: `${claimUri}/complete`,
    revocationUri: as.agent_auth.revocation_uri,
    tokenEndpoint: as.token_endpoint,
  };
}

export async function registerAnonymous(d: Discovered) {
  const res = await postJson(d.registerUri, { type: 'anonymous', requested_credential_type: 'api_key' });
  expectOk(res);
  return res.json as {
    registration_id: string;
    credential: string;
    claim_token: string;
    claim_url: string;
    scopes: string[];
    post_claim_scopes: string[];
    claim_token_expires: string;
  };
}

export const registerIdJag = (d: Discovered, assertion: string, requested = 'access_token') =>
  postJson(d.registerUri, { type: 'identity_assertion', assertion_type: ID_JAG_URN, assertion, requested_credential_type: requested });

export const registerVerifiedEmail = (d: Discovered, email: string, requested = 'api_key') =>
  postJson(d.registerUri, { type: 'identity_assertion', assertion_type: 'verified_email', assertion: email, requested_credential_type: requested });

export const readResource = (d: Discovered, credential: string) => get(d.resourceUrl, bearer(credential));
export const writeResource = (d: Discovered, credential: string) => postJson(d.resourceUrl, { note: 'conformance' }, bearer(credential));

// ---- Mailbox (PROTOCOL.md §8) ----

export interface Mail {
  id: string;
  from: unknown;
  to: unknown;
  subject: string;
  date: string;
  text: string;
  html: string;
}

/** Poll the mailbox API (bounded) for the newest message to `email` not in `seen`. */
export async function waitForMail(mailbox: string, email: string, opts: { after?: Set<string>; timeoutMs?: number } = {}): Promise<Mail> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: Res | undefined;
  while (Date.now() < deadline) {
    last = await get(`${mailbox}/messages`);
    if (last.status === 200 && Array.isArray(last.json)) {
      const m = (last.json as Mail[]).find((x) => JSON.stringify(x.to).toLowerCase().includes(email.toLowerCase()) && !opts.after?.has(x.id));
      if (m) return m;
    }
    await sleep(100);
  }
  throw new Error(`no mail to ${email} within the wait; last: ${last?.describe}`);
}

export async function mailIds(mailbox: string): Promise<Set<string>> {
  const res = await get(`${mailbox}/messages`);
  return new Set(Array.isArray(res.json) ? res.json.map((m: Mail) => m.id) : []);
}

/** The claim link in the email's text part (PROTOCOL.md §3, §8). */
export function claimLinkFrom(text: string): { url: string; token: string } {
  const m = text.match(/https?:\/\/[^\s<>"')\]]+\/claim\/view\?token=[^\s<>"')\]]+/);
  expect(m, `no claim link in mail text:\n${text}`).toBeTruthy();
  const url = m![0].replace(/[.,;]+$/, '');
  const token = new URL(url).searchParams.get('token')!;
  return { url, token };
}

/** Anonymous claim step 1: POST claim → the link from the mail. */
export async function startClaim(d: Discovered, mailbox: string, claimToken: string, email: string) {
  const before = await mailIds(mailbox);
  const res = await postJson(d.claimUri, { claim_token: claimToken, email });
  expectOk(res);
  const mail = await waitForMail(mailbox, email, { after: before });
  return { response: res.json, mail, link: claimLinkFrom(mail.text) };
}

export async function challenge(d: Discovered, attemptToken: string) {
  return postJson(d.challengeUri, { claim_attempt_token: attemptToken });
}

export async function otpFor(d: Discovered, attemptToken: string): Promise<string> {
  const res = await challenge(d, attemptToken);
  expectOk(res);
  expect(res.json.challenge, res.describe).toMatch(/^\d{6}$/);
  return res.json.challenge;
}

export const complete = (d: Discovered, claimToken: string, otp: string) => postJson(d.completeUri, { claim_token: claimToken, otp });

export const uniqueEmail = (tag: string) => `${tag}-${Math.random().toString(36).slice(2, 10)}@example.com`;

/** Every JSON POST endpoint a client can reach at the service and the provider. */
export const jsonPostEndpoints = (d: Discovered, provider: string) =>
  [d.registerUri, d.claimUri, d.challengeUri, d.completeUri, `${provider}/login`, `${provider}/grants`, `${provider}/id-jag`];
/** The two RFC 6749 token endpoints (form bodies, RFC 6749 §5.2 errors). */
export const tokenPostEndpoints = (d: Discovered, provider: string) => [d.tokenEndpoint, `${provider}/oauth2/token`];
