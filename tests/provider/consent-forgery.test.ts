/**
 * Issue 14 finding 4a: the consent answer must come from the person's consent page. Another site
 * can make the browser post a form to the provider, but it cannot read our page, so it lacks the
 * page's anti-forgery token: no grant, no answer recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIENCE, call, login, parseHtml, pressButton, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
let alice: string;
beforeEach(async () => {
  p = await startProvider();
  alice = (await login(p.base, 'alice@example.com')).session_token;
});
afterEach(() => p.close());

const grants = () => p.handle.inspect().grants as { audience: string; revocation_uri?: string | null }[];
const form = (fields: Record<string, string>) => ({ form: fields });

async function tokenOn(pageUrl: string): Promise<string> {
  const doc = parseHtml(await (await fetch(pageUrl)).text(), pageUrl);
  return (doc.querySelector('input[name="csrf_token"]') as HTMLInputElement).value;
}

describe('a consent page without a stored request (POST /consent/approve)', () => {
  const attacker = 'http://127.0.0.1:9/steal';
  it('a cross-site form post with the fields but no token creates no grant (403 page)', async () => {
    for (const answer of ['approve', 'deny']) {
      const r = await call('POST', `${p.base}/consent/${answer}`, form({ audience: AUDIENCE, user: 'alice@example.com', mode: 'always', revocation_uri: attacker }));
      expect(r.status, answer).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.text).toContain('did not come from the consent page');
    }
    expect(grants()).toEqual([]);
  });

  it("a made-up or another page's token creates no grant either", async () => {
    const other = await tokenOn(`${p.base}/consent?audience=${encodeURIComponent('http://127.0.0.1:8001')}`);
    for (const csrf_token of ['1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', other, '']) {
      const r = await call('POST', `${p.base}/consent/approve`, form({ audience: AUDIENCE, user: 'alice@example.com', mode: 'always', csrf_token }));
      expect(r.status).toBe(403);
    }
    // nor may the page's token carry a revocation URI the page did not show
    const own = await tokenOn(`${p.base}/consent?audience=${encodeURIComponent(AUDIENCE)}`);
    const swapped = await call('POST', `${p.base}/consent/approve`, form({ audience: AUDIENCE, user: 'alice@example.com', mode: 'always', csrf_token: own, revocation_uri: attacker }));
    expect(swapped.status).toBe(403);
    expect(grants()).toEqual([]);
  });

  it('a token older than an hour has expired', async () => {
    const token = await tokenOn(`${p.base}/consent?audience=${encodeURIComponent(AUDIENCE)}`);
    p.clock.advance(3601);
    const r = await call('POST', `${p.base}/consent/approve`, form({ audience: AUDIENCE, user: 'alice@example.com', mode: 'once', csrf_token: token }));
    expect(r.status).toBe(403);
    expect(grants()).toEqual([]);
  });

  it('the person pressing the button on the page still grants', async () => {
    const r = await pressButton(`${p.base}/consent?audience=${encodeURIComponent(AUDIENCE)}`, 'Always allow');
    expect(r.status).toBe(200);
    expect(grants()).toHaveLength(1);
  });
});

describe('a stored consent request (POST /consent/requests/:id/approve)', () => {
  it('a post with the request id but without its token answers nothing; the page still can', async () => {
    const req = await call('POST', `${p.base}/consent/requests`, { bearer: alice, json: { audience: AUDIENCE } });
    const id = req.json.request_id as string;
    // even a token from another request's page does not fit this one
    const other = await call('POST', `${p.base}/consent/requests`, { bearer: alice, json: { audience: AUDIENCE } });
    const otherToken = await tokenOn(other.json.consent_url);
    for (const fields of [{ mode: 'always' }, { mode: 'always', csrf_token: otherToken }] as Record<string, string>[]) {
      expect((await call('POST', `${p.base}/consent/requests/${id}/approve`, form(fields))).status).toBe(403);
      expect((await call('POST', `${p.base}/consent/requests/${id}/deny`, form(fields))).status).toBe(403);
    }
    const poll = await call('GET', `${p.base}/consent/requests/${id}`, { bearer: alice });
    expect(poll.json.status).toBe('pending');
    expect(grants()).toEqual([]);

    expect((await pressButton(req.json.consent_url, 'Allow once')).status).toBe(200);
    expect((await call('GET', `${p.base}/consent/requests/${id}`, { bearer: alice })).json.status).toBe('approved');
  });
});
