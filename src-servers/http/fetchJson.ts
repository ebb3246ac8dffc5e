/** Documents we fetch because a token names them are small; a bigger one is not worth holding in memory. */
export const MAX_DOCUMENT_CHARS = 256 * 1024;

/** The document's server answered, but not 200: callers may tell "there is none" (404) from a fault. */
export class DocumentStatusError extends Error {
  constructor(readonly url: string, readonly status: number) {
    super(`${url} answered HTTP ${status}`);
    this.name = 'DocumentStatusError';
  }
}

/**
 * GET a small JSON document (issuer metadata, JWKS, CIMD) with a timeout and a size cap: the URL
 * comes from a token or a document someone else controls, so it must not hang or flood us.
 */
export async function fetchJson(fetchFn: typeof fetch, url: string, timeoutMs = 5_000): Promise<Record<string, unknown>> {
  const res = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new DocumentStatusError(url, res.status);
  const text = await res.text();
  if (text.length > MAX_DOCUMENT_CHARS) throw new Error(`${url} is too large`);
  const json = JSON.parse(text) as unknown;
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${url} is not a JSON object`);
  return json as Record<string, unknown>;
}
