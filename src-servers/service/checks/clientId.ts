import { ProtocolError } from '../../protocol/errors.js';
import { fetchJson } from '../../http/fetchJson.js';
import { signatureError } from './signature.js';
import type { CheckEnv, PresentedJwt } from './types.js';

const TTL_MS = 10 * 60_000;

/** Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document), cached by URL. */
export class ClientMetadataCache {
  private readonly docs = new Map<string, { doc: Record<string, unknown>; fetchedAt: number }>();
  constructor(
    private readonly fetchFn: typeof fetch,
    private readonly now: () => number,
  ) {}

  async get(clientId: string): Promise<Record<string, unknown>> {
    const cached = this.docs.get(clientId);
    if (cached && this.now() - cached.fetchedAt < TTL_MS) return cached.doc;
    const doc = await fetchJson(this.fetchFn, clientId);
    this.docs.set(clientId, { doc, fetchedAt: this.now() });
    return doc;
  }
}

/**
 * PROTOCOL.md §2 row 8 (ID-JAG draft §3 `client_id`): the agent's client is named. When the name
 * is a URL it is a CIMD, and its `jwks_uri` must be the issuer's: the provider vouches that the
 * client runs on its platform. Runs after the signature check, so we only fetch URLs a trusted
 * issuer signed.
 */
export async function checkClientId(token: PresentedJwt, iss: string, env: Pick<CheckEnv, 'keys' | 'clientMetadata'>): Promise<void> {
  const clientId = token.claims.client_id;
  if (typeof clientId !== 'string' || clientId.length === 0) {
    throw new ProtocolError('invalid_client_id', 'The ID-JAG has no client_id.');
  }
  if (!/^https?:\/\//i.test(clientId)) return;
  let doc: Record<string, unknown>;
  try {
    doc = await env.clientMetadata.get(clientId);
  } catch (err) {
    throw new ProtocolError('invalid_client_id', `Could not fetch the client metadata document ${clientId}: ${(err as Error).message}`);
  }
  // CIMD §4.1: a document naming a different client_id is not this client's.
  if (doc.client_id !== undefined && doc.client_id !== clientId) {
    throw new ProtocolError('invalid_client_id', `The client metadata document at ${clientId} names client_id ${JSON.stringify(doc.client_id)}.`);
  }
  // Found (and cached) by the signature check just before; a failure to rediscover is still the keys' fault.
  const issuerJwksUri = await env.keys.jwksUri(iss).catch((err: unknown) => Promise.reject(signatureError(err, iss)));
  if (doc.jwks_uri !== issuerJwksUri) {
    throw new ProtocolError('invalid_client_id', `The client's jwks_uri ${JSON.stringify(doc.jwks_uri ?? null)} is not the issuer's ${issuerJwksUri}.`);
  }
}
