import { DocumentStatusError, fetchJson } from '../http/fetchJson.js';

/**
 * Where an issuer publishes its keys: OIDC Discovery §4 `jwks_uri`, else RFC 8414's, each only
 * from a document that names exactly this issuer (OIDC Discovery §4.3, RFC 8414 §3.3), so one
 * issuer's metadata cannot hand us another's keys. `conventionalFallback` then uses the common
 * `<iss>/.well-known/jwks.json` — only when the issuer publishes no metadata at all (both answer
 * 404/410), as providers following the v0.1 reference do (PROTOCOL.md §2 row 4): a document that
 * exists and is wrong, or an issuer that does not answer, stays a failure rather than a guess.
 */
export async function discoverJwksUri(
  fetchFn: typeof fetch,
  iss: string,
  opts: { timeoutMs: number; conventionalFallback: boolean },
): Promise<string> {
  const base = iss.replace(/\/+$/, '');
  const candidates = [`${base}/.well-known/openid-configuration`, rfc8414Url(iss)];
  const failures: Error[] = [];
  for (const candidate of candidates) {
    try {
      const metadata = await fetchJson(fetchFn, candidate, opts.timeoutMs);
      if (metadata.issuer !== iss) throw new Error(`${candidate} names issuer ${String(metadata.issuer)}`);
      if (typeof metadata.jwks_uri !== 'string') throw new Error(`${candidate} has no jwks_uri`);
      return metadata.jwks_uri;
    } catch (err) {
      failures.push(err as Error);
    }
  }
  const absent = (e: Error) => e instanceof DocumentStatusError && (e.status === 404 || e.status === 410);
  if (opts.conventionalFallback && failures.every(absent)) return `${base}/.well-known/jwks.json`;
  // The most telling reason: a document that exists but is wrong says more than a 404.
  throw failures.find((e) => !absent(e)) ?? failures[failures.length - 1];
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
function rfc8414Url(iss: string): string {
  const u = new URL(iss);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}
