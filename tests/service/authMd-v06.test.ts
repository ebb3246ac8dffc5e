/**
 * The v0.6 AUTH.md (served by a v0.6 service at /auth.md, PROTOCOL-v0.6.md §1 `agent_auth.skill`):
 * one error table per envelope, each naming exactly the codes that surface answers in
 * protocol/v0.6/errors.ts, with their statuses — both ways, so a code added to the service
 * without its remedy for the agent, or a remedy for a code that no longer exists, fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EVENT_ERRORS_V06,
  HTTP_ERROR_STATUS_V06,
  IDENTITY_ERROR_STATUS_V06,
  RESOURCE_ERROR_STATUS_V06,
  TOKEN_ERROR_STATUS_V06,
} from '../../src-servers/protocol/v0.6/errors.js';

const root = join(import.meta.dirname, '..', '..');
const authMd = readFileSync(join(root, 'src-servers', 'service', 'profiles', 'v0.6', 'AUTH.md'), 'utf8');

/** Rows `| \`code\` | status | …` of the first table after the heading `marker`, in order. */
function tableAfter(marker: string): [string, number][] {
  const start = authMd.indexOf(marker);
  expect(start, `no "${marker}" in the v0.6 AUTH.md`).toBeGreaterThanOrEqual(0);
  const rows: [string, number][] = [];
  let inTable = false;
  for (const line of authMd.slice(start + marker.length).split('\n')) {
    if (line.startsWith('#')) break;
    const m = /^\| `([a-z_]+)` \| (\d{3}) \|/.exec(line);
    if (m) rows.push([m[1], Number(m[2])]);
    if (line.startsWith('|')) inTable = true;
    else if (inTable) break;
  }
  return rows;
}

const sorted = (entries: [string, number][]) => [...entries].sort(([a], [b]) => a.localeCompare(b));
const surfaces = {
  '### Registration and claim errors': Object.entries(IDENTITY_ERROR_STATUS_V06),
  '### Token errors': Object.entries(TOKEN_ERROR_STATUS_V06),
  '### Event errors': EVENT_ERRORS_V06.map((code) => [code, 400]),
  '### API errors': Object.entries(RESOURCE_ERROR_STATUS_V06),
  '### Any endpoint': Object.entries(HTTP_ERROR_STATUS_V06),
} as Record<string, [string, number][]>;

describe('the v0.6 AUTH.md error tables match protocol/v0.6/errors.ts exactly', () => {
  for (const [heading, codes] of Object.entries(surfaces)) {
    it(`${heading.slice(4)}: every code of that surface, with its status, and nothing else`, () => {
      const table = tableAfter(heading);
      const names = table.map(([code]) => code);
      expect(new Set(names).size, 'a code listed twice').toBe(names.length);
      expect(sorted(table)).toEqual(sorted(codes));
    });
  }

  it('together they name exactly the union of the five maps, one status per code', () => {
    const documented = new Map<string, number>();
    for (const heading of Object.keys(surfaces)) for (const [code, status] of tableAfter(heading)) documented.set(code, status);
    const contract = new Map<string, number>(Object.values(surfaces).flat());
    expect(sorted([...documented])).toEqual(sorted([...contract]));
    // No error-table row anywhere else in the page that the tables above do not account for.
    const everyRow = [...authMd.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => m[1]);
    for (const code of everyRow) expect(contract.has(code), `${code} is in AUTH.md but not in protocol/v0.6/errors.ts`).toBe(true);
  });
});

describe('the v0.6 AUTH.md is a v0.6 page an agent can run as is', () => {
  it('uses only the {{SERVICE_URL}} placeholder, and every curl line to the service goes through it', () => {
    expect([...new Set([...authMd.matchAll(/\{\{([A-Z_]+)\}\}/g)].map((m) => m[1]))]).toEqual(['SERVICE_URL']);
    const curls = authMd.split('\n').filter((l) => l.startsWith('curl '));
    expect(curls.length).toBeGreaterThanOrEqual(10);
    for (const line of curls) expect(line, line).toMatch(/\{\{SERVICE_URL\}\}|\$PROVIDER/);
    expect(authMd).not.toMatch(/localhost|127\.0\.0\.1/);
  });

  it('names the v0.6 endpoints and none of the v0.1 ones', () => {
    for (const path of ['/agent/identity', '/agent/identity/claim', '/agent/event/notify', '/oauth2/token', '/oauth2/revoke'])
      expect(authMd).toContain(`{{SERVICE_URL}}${path}`);
    expect(authMd).not.toMatch(/\{\{SERVICE_URL\}\}\/agent\/auth\b|logout\+jwt|requested_credential_type|verified_email"/);
  });

  it('covers the decision tree, the claim ceremony, the step-up, login_required and revocation by SET', () => {
    for (const needle of [
      '"type": "identity_assertion"', '"type":"service_auth","login_hint"', '{"type":"anonymous"}',
      'grant_type=urn:workos:agent-auth:grant-type:claim', 'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer',
      'user_code', 'verification_uri', 'interval', 'slow_down', 'interaction_required', 'login_required', 'auth_time',
      'application/secevent+jwt', 'secevent+jwt',
    ])
      expect(authMd, needle).toContain(needle);
  });
});
