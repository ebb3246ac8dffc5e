import { fetchJson } from '../http/fetchJson.js';

/**
 * Where an issuer publishes its keys: OIDC Discovery §4 `jwks_uri`, else RFC 8414's, each only
 * from a document that names exactly this issuer (OIDC Discovery §4.3, RFC 8414 §3.3), so one
 * issuer's metadata cannot hand us another's keys. `conventionalFallback` then tries the common
 * `/.well-known/jwks.json`: no RFC promises it, so only the trace's best-effort display uses it.
 */
export async function discoverJwksUri(
  fetchFn: typeof fetch,
  iss: string,
  opts: { timeoutMs: number; conventionalFallback: boolean },
): Promise<string> {
  const base = iss.replace(/\/+$/, '');
  const candidates = [`${base}/.well-known/openid-configuration`, rfc8414Url(iss)];
  let lastError = 'no metadata';
  for (const candidate of candidates) {
    try {
      const metadata = await fetchJson(fetchFn, candidate, opts.timeoutMs);
      if (metadata.issuer !== iss) throw new Error(`${candidate} names issuer ${String(metadata.issuer)}`);
      if (typeof metadata.jwks_uri !== 'string') throw new Error(`${candidate} has no jwks_uri`);
      return metadata.jwks_uri;
    } catch (err) {
      lastError = (err as Error).message;
    }
  }
  if (opts.conventionalFallback) return `${base}/.well-known/jwks.json`;
  throw new Error(lastError);
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
function rfc8414Url(iss: string): string {
  const u = new URL(iss);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  return `${u.origin}/.well-known/oauth-authorization-server${path}`;
}
