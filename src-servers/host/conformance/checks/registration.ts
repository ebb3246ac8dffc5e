import { brief } from '../http.js';
import { endpoint, type CheckContext } from '../context.js';
import { fail, must, ok, skip, warn, type Check } from '../types.js';
import { offers } from '../../../agent/discovery.js';
import { expectError } from './expect.js';

/** An anonymous registration's answer (PROTOCOL.md §2), as later checks reuse it. */
export interface AnonymousRegistration {
  registration_id: string;
  credential: string;
  claim_token: string;
  claim_url: string;
  scopes: string[];
}

/** POST register_uri {type:"anonymous"}: made once per run, reused by the claim and resource checks. */
export function anonymousRegistration({ shared, http }: CheckContext, owner = false): Promise<AnonymousRegistration> {
  return shared.memo('an anonymous registration', async () => {
    const d = await shared.discovered(http);
    if (!offers(d.as).anonymous) skip('the service does not advertise anonymous registration');
    const res = await http.post(endpoint(d, 'register_uri'), { json: { type: 'anonymous', requested_credential_type: 'api_key' } });
    if (res.status !== 200 || !res.json) fail(`POST ${endpoint(d, 'register_uri')} → ${brief(res)}`);
    return res.json as AnonymousRegistration;
  }, owner);
}

const isIso = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d\d-\d\dT/.test(v);

export const registrationChecks: Check<CheckContext>[] = [
  {
    id: 'registration.anonymous',
    title: 'Anonymous registration answers an API key, pre-claim scopes and a claim token',
    group: 'registration', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (anonymous)' },
    async run(ctx) {
      const reg = (await anonymousRegistration(ctx, true)) as unknown as Record<string, unknown>;
      const missing = ['registration_id', 'credential', 'claim_url', 'claim_token'].filter((f) => typeof reg[f] !== 'string');
      must(missing.length === 0, `the answer lacks ${missing.join(', ')}: ${JSON.stringify(Object.keys(reg))}`);
      must(reg.registration_type === 'anonymous', `registration_type is ${JSON.stringify(reg.registration_type)}, not "anonymous"`);
      must(reg.credential_type === 'api_key', `credential_type is ${JSON.stringify(reg.credential_type)}, not "api_key"`);
      must(reg.credential_expires === null, `credential_expires is ${JSON.stringify(reg.credential_expires)}, not null`);
      must(isIso(reg.claim_token_expires), `claim_token_expires is ${JSON.stringify(reg.claim_token_expires)}, not an ISO 8601 time`);
      const scopes = reg.scopes as unknown;
      must(Array.isArray(scopes) && scopes.includes('api.read'), `scopes is ${JSON.stringify(scopes)}; pre-claim scopes include api.read`);
      must(Array.isArray(reg.post_claim_scopes), 'post_claim_scopes is missing');
      const prefixes = [['registration_id', 'reg_'], ['credential', 'sk_test_'], ['claim_token', 'clm_']].filter(([f, p]) => !String(reg[f]).startsWith(p));
      if (prefixes.length) return warn(`unusual prefixes (PROTOCOL.md §2 shows them): ${prefixes.map(([f, p]) => `${f} not ${p}…`).join(', ')}`);
    },
  },
  {
    id: 'claim.start',
    title: 'The claim ceremony starts: POST claim_uri {claim_token, email} → initiated',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3' },
    async run(ctx) {
      const reg = await anonymousRegistration(ctx);
      const d = await ctx.shared.discovered(ctx.http);
      const email = `conformance+${reg.registration_id.slice(-6)}@example.com`;
      const res = await ctx.http.post(endpoint(d, 'claim_uri'), { json: { claim_token: reg.claim_token, email } });
      must(res.status === 200, `wanted 200, got ${brief(res)}`);
      const b = res.json ?? {};
      must(b.status === 'initiated', `status is ${JSON.stringify(b.status)}, not "initiated"`);
      must(b.registration_id === reg.registration_id, `registration_id ${JSON.stringify(b.registration_id)} is not the registration's ${reg.registration_id}`);
      must(typeof b.claim_attempt_id === 'string', 'claim_attempt_id is missing');
      must(isIso(b.expires_at), `expires_at is ${JSON.stringify(b.expires_at)}, not ISO 8601`);
      return ok(`claim attempt ${b.claim_attempt_id} initiated; mail goes to ${email}`);
    },
  },
  {
    id: 'claim.invalid_token',
    title: 'A claim with an unknown claim token → 401 invalid_claim_token',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3' },
    async run({ http, shared }) {
      const d = await shared.discovered(http);
      if (!offers(d.as).anonymous) skip('the service does not advertise anonymous registration');
      const res = await http.post(endpoint(d, 'claim_uri'), { json: { claim_token: 'clm_conformance_unknown', email: 'nobody@example.com' } });
      expectError(res, 401, 'invalid_claim_token', 'unknown claim token');
    },
  },
  {
    id: 'claim.otp_not_generated',
    title: 'Completing before the user opened the link → 400 otp_not_generated (link scanners burn nothing)',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3 (complete)' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      if (!offers(d.as).anonymous) skip('the service does not advertise anonymous registration');
      // A fresh registration of its own: claim.start's attempt may be completed by the mailbox checks.
      const reg = await ctx.http.post(endpoint(d, 'register_uri'), { json: { type: 'anonymous', requested_credential_type: 'api_key' } });
      if (reg.status !== 200) fail(`anonymous registration → ${brief(reg)}`);
      const claimUri = endpoint(d, 'claim_uri');
      const start = await ctx.http.post(claimUri, { json: { claim_token: reg.json.claim_token, email: 'conformance-otp@example.com' } });
      if (start.status !== 200) fail(`claim start → ${brief(start)}`);
      const res = await ctx.http.post(`${claimUri}/complete`, { json: { claim_token: reg.json.claim_token, otp: '000000' } });
      expectError(res, 400, 'otp_not_generated', 'complete before any OTP was minted');
    },
  },
];
