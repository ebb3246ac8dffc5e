import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, expect, test } from '@playwright/test';
import { findChromium } from '../../scripts/ensure-chromium.mjs';
import { studioToken } from './studio';

/**
 * Issue 14 (DESIGN.md rule 10): loopback is not a security boundary. A page the person has open on
 * another loopback origin tries what any web page can: a no-cors "Reset all data", a cross-site
 * consent form post, and the studio under a rebound host name. None of them changes anything.
 */

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: the global setup did not start the host`);
  return v;
};

test('a page on another origin cannot reset, grant consent or read the studio through a rebound name', async ({ page, request }) => {
  const studioUrl = env('STUDIO_URL');
  const providerUrl = env('PROVIDER_URL');
  const serviceUrl = env('SERVICE_URL');
  const token = await studioToken(request, studioUrl);
  const api = (path: string, init: { method?: string; data?: unknown } = {}) =>
    request.fetch(`${studioUrl}/studio/api${path}`, { method: init.method ?? 'GET', headers: { 'x-studio-token': token }, data: init.data });

  // Something a reset would wipe: a run.
  expect((await api('/reset', { method: 'POST' })).ok()).toBe(true);
  expect((await api('/runs', { method: 'POST', data: { flow: 'anonymous' } })).status()).toBe(201);

  // The hostile page, served from its own loopback port.
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>evil</title>
<form id="consent" method="post" action="${providerUrl}/consent/approve" target="sink">
  <input name="audience" value="${serviceUrl}"><input name="user" value="alice@example.com">
  <input name="mode" value="always"><input name="revocation_uri" value="http://127.0.0.1:9/steal">
</form><iframe name="sink"></iframe>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  try {
    await page.goto(evilUrl);
    // 1. The no-cors reset any page can send (text/plain is CORS-safelisted: no preflight).
    await page.evaluate(async (url) => {
      await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' });
    }, `${studioUrl}/studio/api/reset`);
    // 2. A cross-site consent form post, as a browser submits it.
    const answered = page.waitForResponse((r) => r.url() === `${providerUrl}/consent/approve`);
    await page.evaluate(() => (document.getElementById('consent') as HTMLFormElement).submit());
    expect.soft((await answered).status(), 'the forged consent post').toBe(403);

    const run = await api('/runs/current');
    expect.soft(run.status(), 'the run survived the no-cors reset').toBe(200);
    const state = await (await api('/state')).json();
    expect.soft(state.provider.grants, 'the forged consent created no grant').toEqual([]);
  } finally {
    await new Promise<void>((r) => evil.close(() => r()));
  }

  // 3. DNS rebinding: rebind.test resolves to 127.0.0.1, so the studio is "same-origin" to it.
  const found = findChromium({ allowInstall: false });
  const browser = await chromium.launch({
    executablePath: found.ok ? found.path : undefined,
    args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  });
  try {
    const rebound = await browser.newPage();
    const port = new URL(studioUrl).port;
    const served = await rebound.goto(`http://rebind.test:${port}/`);
    expect.soft(served?.status(), 'the studio page (and its token) under a rebound name').toBe(421);
    expect(await served?.text()).not.toContain('studio-token');
    const traces = await rebound.evaluate(async () => (await fetch('/studio/api/traces')).status);
    expect(traces).toBe(421);
    const reset = await rebound.evaluate(async () => (await fetch('/studio/api/reset', { method: 'POST' })).status);
    expect(reset).toBe(421);
  } finally {
    await browser.close();
  }
  expect((await api('/runs/current')).status(), 'the run survived everything').toBe(200);
});
