/** GET a small JSON document (issuer metadata, JWKS, CIMD) with a timeout and a size cap. */
export async function fetchJson(fetchFn: typeof fetch, url: string): Promise<Record<string, unknown>> {
  const res = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > 256 * 1024) throw new Error(`${url} is too large`);
  const json = JSON.parse(text) as unknown;
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${url} is not a JSON object`);
  return json as Record<string, unknown>;
}
