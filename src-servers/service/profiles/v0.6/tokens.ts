import { PREFIX_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import { newId, newOpaque, secretHint, sha256 } from '../../secrets.js';
import type { RegistrationRowV06 } from '../../store/v06Registrations.js';

/**
 * PROTOCOL-v0.6.md §5 scopes: an unclaimed anonymous registration gets `preClaimScopes`; every
 * other (a claimed one, an ID-JAG clean match) gets `postClaimScopes`.
 */
export function scopesFor(ctx: ServiceContext, reg: RegistrationRowV06): string[] {
  return reg.type === 'anonymous' && reg.status !== 'claimed' ? ctx.config.preClaimScopes : ctx.config.postClaimScopes;
}

export interface IssuedAccessToken { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string }

/** §5: mint an `at_` + 32 base64url access token; only its SHA-256 is stored (§7). Never a refresh token. */
export function issueAccessToken(ctx: ServiceContext, reg: RegistrationRowV06): IssuedAccessToken {
  const now = ctx.now();
  const scopes = scopesFor(ctx, reg);
  const token = newOpaque(PREFIX_V06.accessToken, 32);
  const ttl = ctx.config.accessTokenTtlSeconds;
  const id = newId('tok_');
  ctx.store.v06.tokens.insert({
    id, registration_id: reg.id, token_hash: sha256(token), hint: secretHint(token, PREFIX_V06.accessToken),
    scopes: scopes.join(' '), expires_at: now + ttl * 1000, created_at: now,
  });
  ctx.audit('token.issued', reg.id, { token_id: id, scopes });
  return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') };
}
