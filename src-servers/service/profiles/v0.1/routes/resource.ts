import type { Request, Router } from 'express';
import { SCOPE_READ, SCOPE_WRITE, SERVICE_PATHS } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import { iso, url, type ServiceContext } from '../../../context.js';
import type { PresentedCredential } from '../../../store/credentials.js';
import { newId, sha256 } from '../../../secrets.js';

/**
 * The resource server (PROTOCOL.md §1). Errors follow RFC 6750 §3: the `WWW-Authenticate` header
 * always points at the protected resource metadata (RFC 9728 §5.1), so an agent holding nothing
 * — or a dead credential — can discover how to register.
 */
export function resourceRoutes(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS.resource, (req, res) => {
    const caller = authenticate(ctx, req, SCOPE_READ);
    res.json({
      message: caller.user_email ? `Hello, ${caller.user_email}.` : 'Hello, anonymous agent. A person has not claimed this registration yet.',
      registration_id: caller.registration_id,
      registration_type: caller.registration_kind,
      claimed: caller.user_id !== null,
      user: caller.user_id ? { id: caller.user_id, email: caller.user_email } : null,
      credential_type: caller.type,
      credential_expires: caller.expires_at === null ? null : iso(caller.expires_at),
      scopes: scopesOf(caller),
    });
  });

  router.post(SERVICE_PATHS.resource, (req, res) => {
    const caller = authenticate(ctx, req, SCOPE_WRITE);
    res.status(201).json({
      id: newId('item_'),
      created_at: iso(ctx.now()),
      created_by: { registration_id: caller.registration_id, user_id: caller.user_id },
      data: req.is('application/json') && req.body !== undefined ? req.body : null,
    });
  });
}

const scopesOf = (c: PresentedCredential) => c.scopes.split(' ').filter(Boolean);

function challenge(ctx: ServiceContext, params: Record<string, string> = {}): Record<string, string> {
  const parts = [`resource_metadata="${url(ctx, 'protectedResourceMetadata')}"`, ...Object.entries(params).map(([k, v]) => `${k}="${v}"`)];
  return { 'WWW-Authenticate': `Bearer ${parts.join(', ')}` };
}

/** RFC 6750 §2.1 (header only) and §3.1 error codes; scopes are read fresh on every request. */
export function authenticate(ctx: ServiceContext, req: Request, needed: string): PresentedCredential {
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(req.headers.authorization ?? '');
  if (!match) {
    // RFC 6750 §3.1: no credential at all → no error code in the header, just where to start.
    throw new ProtocolError('invalid_token', `This API needs a credential: send Authorization: Bearer <credential>. Discover how to get one at ${url(ctx, 'protectedResourceMetadata')}.`, challenge(ctx));
  }
  ctx.expireDue();
  const credential = ctx.store.credentials.byTokenHash(sha256(match[1]));
  const now = ctx.now();
  const live =
    credential &&
    credential.revoked_at === null &&
    (credential.expires_at === null || credential.expires_at > now) &&
    (credential.registration_status === 'claimed' || credential.registration_status === 'active' ||
      (credential.registration_status === 'pending' && (credential.registration_expires_at ?? Infinity) > now));
  if (!live) {
    throw new ProtocolError('invalid_token', 'The credential is unknown, expired or revoked. Drop it and register again (start at the resource metadata).', challenge(ctx, { error: 'invalid_token' }));
  }
  if (!scopesOf(credential).includes(needed)) {
    throw new ProtocolError('insufficient_scope', `This request needs the scope ${needed}. An anonymous key gets it once a person claims the registration.`, challenge(ctx, { error: 'insufficient_scope', scope: needed }));
  }
  return credential;
}
