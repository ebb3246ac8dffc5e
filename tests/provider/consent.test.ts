import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIENCE, call, grantConsent, login, parseHtml, pressButton, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
let alice: string;
beforeEach(async () => {
  p = await startProvider();
  alice = (await login(p.base, 'alice@example.com')).session_token;
});
afterEach(() => p.close());

async function ask(session = alice, body: Record<string, unknown> = { audience: AUDIENCE, resource_name: 'Acme API' }) {
  return call('POST', `${p.base}/consent/requests`, { bearer: session, json: body });
}

describe('consent', () => {
  it('files a request whose consent_url opens a frame-able page with the three answers', async () => {
    const r = await ask();
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('pending');
    const url = new URL(r.json.consent_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${p.base}/consent`);
    expect(url.searchParams.get('audience')).toBe(AUDIENCE);
    expect(url.searchParams.get('resource_name')).toBe('Acme API');
    expect(url.searchParams.get('request')).toBe(r.json.request_id);

    const page = await fetch(r.json.consent_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'(;|$)/) // no studio runs here: no other page may frame it (issue 15);
    const doc = parseHtml(await page.text());
    const buttons = [...doc.querySelectorAll('button')].map((b) => b.textContent?.trim());
    expect(buttons).toEqual(['Allow once', 'Always allow', 'Deny']);
    const text = doc.body.textContent ?? '';
    expect(text).toContain('Acme API');
    expect(text).toContain('alice@example.com');
    expect(text).toMatch(/email address/i);
    expect(text).toMatch(/name/i);
    expect(doc.querySelectorAll('script, link[rel=stylesheet], img[src^=http]')).toHaveLength(0);
  });

  it('"Always allow" pressed on the page creates the grant the agent can see', async () => {
    const r = await ask();
    const answer = await pressButton(r.json.consent_url, 'Always allow');
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('Approved — return to your agent');

    const status = await call('GET', `${p.base}/consent/requests/${r.json.request_id}`, { bearer: alice });
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ request_id: r.json.request_id, status: 'approved' });
    expect(status.json.grant_id).toMatch(/^grt_/);

    const grants = await call('GET', `${p.base}/grants`, { bearer: alice });
    expect(grants.json.grants).toHaveLength(1);
    expect(grants.json.grants[0]).toMatchObject({ id: status.json.grant_id, audience: AUDIENCE, mode: 'always', status: 'live', revoked_at: null });
  });

  it('"Deny" records a denial and creates no grant', async () => {
    const r = await ask();
    const answer = await pressButton(r.json.consent_url, 'Deny');
    expect(answer.status).toBe(200);
    expect(answer.html).toContain('Denied');
    expect(answer.action).toMatch(/\/deny$/); // the Deny button's formaction, not the form's approve action
    const status = await call('GET', `${p.base}/consent/requests/${r.json.request_id}`, { bearer: alice });
    expect(status.json.status).toBe('denied');
    expect(status.json.grant_id).toBeUndefined();
    expect((await call('GET', `${p.base}/grants`, { bearer: alice })).json.grants).toEqual([]);
    const jag = await call('POST', `${p.base}/id-jag`, { bearer: alice, json: { audience: AUDIENCE } });
    expect(jag.status).toBe(403);
    expect(jag.json.error).toBe('consent_required');
  });

  it('accepts one answer per request', async () => {
    const r = await ask();
    const page = r.json.consent_url;
    const doc = parseHtml(await (await fetch(page)).text(), page);
    expect((await pressButton(page, 'Allow once')).status).toBe(200);
    // A second submission of the same form (e.g. a double click) changes nothing.
    const action = (doc.querySelector('form') as HTMLFormElement).action;
    const csrf = (doc.querySelector('input[name="csrf_token"]') as HTMLInputElement).value; // the same form's own field
    const again = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf_token=${encodeURIComponent(csrf)}&mode=always` });
    expect(again.status).toBe(409);
    expect((await call('GET', `${p.base}/grants`, { bearer: alice })).json.grants).toHaveLength(1);
  });

  it('shows a request only to its own user', async () => {
    const r = await ask();
    const bob = (await login(p.base, 'bob@example.com')).session_token;
    const peek = await call('GET', `${p.base}/consent/requests/${r.json.request_id}`, { bearer: bob });
    expect(peek.status).toBe(404);
    expect(peek.json.error).toBe('not_found');
  });

  it('without a request, the page lets the person pick a user and grants directly', async () => {
    const url = `${p.base}/consent?audience=${encodeURIComponent(AUDIENCE)}&resource_name=Acme%20API&login_hint=bob@example.com`;
    const answer = await pressButton(url, 'Allow once');
    expect(answer.status).toBe(200);
    const bob = (await login(p.base, 'bob@example.com')).session_token;
    const grants = (await call('GET', `${p.base}/grants`, { bearer: bob })).json.grants;
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ audience: AUDIENCE, mode: 'once' });
    expect((await call('GET', `${p.base}/grants`, { bearer: alice })).json.grants).toEqual([]);
  });

  it('tells carol on the page that her unverified email cannot be vouched for', async () => {
    const carol = (await login(p.base, 'carol@example.com')).session_token;
    const r = await ask(carol);
    const html = await (await fetch(r.json.consent_url)).text();
    expect(html).toMatch(/not verified/);
  });

  it('rejects bad requests with JSON errors and unknown links with a page', async () => {
    expect((await ask(alice, { audience: 'not a url' })).json.error).toBe('invalid_request');
    expect((await ask(alice, { audience: AUDIENCE, mode: 'forever' })).status).toBe(400);
    const anon = await call('POST', `${p.base}/consent/requests`, { json: { audience: AUDIENCE } });
    expect(anon.status).toBe(401);
    expect(anon.json.error).toBe('unauthorized');
    const unknown = await fetch(`${p.base}/consent?audience=${encodeURIComponent(AUDIENCE)}&request=cr_nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('not found');
    const incomplete = await fetch(`${p.base}/consent`);
    expect(incomplete.status).toBe(400);
  });

  it('"Allow once" approves a request too', async () => {
    const id = await grantConsent(p.base, alice, 'Allow once');
    const s = await call('GET', `${p.base}/consent/requests/${id}`, { bearer: alice });
    expect(s.json.status).toBe('approved');
  });
});
