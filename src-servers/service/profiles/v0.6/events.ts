import type { Router } from 'express';
import { EVENT_ASSERTION_REVOKED } from '../../../protocol/constants.js';
import { ProtocolError } from '../../../protocol/errors.js';
import { SERVICE_PATHS_V06, SET_CONTENT_TYPE, SET_TYP } from '../../../protocol/v0.6/constants.js';
import { checkFormat } from '../../checks/format.js';
import { checkTyp } from '../../checks/header.js';
import { checkIssuer } from '../../checks/issuer.js';
import { checkSignature } from '../../checks/signature.js';
import type { PresentedJwt } from '../../checks/types.js';
import type { ServiceContext } from '../../context.js';
import { EventError } from './errors.js';

/** §4: a SET without `exp` is remembered this long (plus skew) in the shared jti cache. */
const NO_EXP_MEMORY_SECONDS = 300;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Re-throw a shared check's failure as the SET check's `err` (RFC 8935 §2.4). */
function as(err: EventError['err'], fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) throw new EventError(err, e.message);
    throw e;
  }
}

/** PROTOCOL-v0.6.md §4's checks, in its order; returns the verified `(iss, sub)` and the events. */
async function verifySet(ctx: ServiceContext, body: string): Promise<{ iss: string; sub: string; events: Record<string, unknown> }> {
  let token!: PresentedJwt;
  try {
    token = checkFormat(body);
  } catch {
    throw new EventError('invalid_issuer', 'The SET payload does not decode, so it names no trusted issuer.');
  }
  let iss = '';
  as('invalid_issuer', () => void (iss = checkIssuer(token, ctx)));
  // RFC 8417 §2.3 explicit typing, RFC 7515 signature with the issuer's keys (§2 row 3).
  as('authentication_failed', () => checkTyp(token, SET_TYP));
  try {
    await checkSignature(token, iss, ctx);
  } catch (e) {
    throw new EventError('authentication_failed', (e as Error).message);
  }
  const { exp, nbf, aud, jti, sub, events } = token.claims;
  const now = ctx.now() / 1000;
  const skew = ctx.config.clockSkewSeconds;
  if (exp !== undefined && (!isNumber(exp) || exp + skew <= now)) throw new EventError('authentication_failed', 'The SET has expired (exp).');
  if (nbf !== undefined && (!isNumber(nbf) || nbf - skew > now)) throw new EventError('authentication_failed', 'The SET is not valid yet (nbf).');
  const auds = Array.isArray(aud) ? aud : [aud];
  if (!auds.includes(ctx.issuer)) throw new EventError('invalid_audience', `The SET aud must be this service's issuer ${ctx.issuer}.`);
  if (typeof jti !== 'string' || jti === '') throw new EventError('invalid_request', 'The SET has no jti.');
  if (typeof sub !== 'string' || sub === '') throw new EventError('invalid_request', 'The SET has no sub.');
  if (!events || typeof events !== 'object' || Array.isArray(events) || Object.keys(events).length === 0) {
    throw new EventError('invalid_request', 'The SET events claim must be a non-empty JSON object keyed by event URI (RFC 8417 §2.2).');
  }
  // The §2 jti cache, shared with ID-JAGs: until exp (or now + 300 s) plus skew.
  const until = ((isNumber(exp) ? exp : now + NO_EXP_MEMORY_SECONDS) + skew) * 1000;
  if (!ctx.store.replay.remember(iss, jti, until, ctx.now())) throw new EventError('invalid_request', 'This SET (its jti) was already received.');
  return { iss, sub, events: events as Record<string, unknown> };
}

/**
 * PROTOCOL-v0.6.md §4 (RFC 8935 push of an RFC 8417 SET): the provider says the user withdrew the
 * grant. Verified whole before anything changes; `…/identity/assertion/revoked` then, for the
 * triple `(iss, sub, our issuer)`: revokes its access tokens, expires its registrations and takes
 * their claim handle, and deletes the delegation (PR #21). Other events are acknowledged and ignored.
 */
export function eventRoutesV06(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS_V06.events, async (req, res) => {
    if (!req.is(SET_CONTENT_TYPE)) throw new EventError('invalid_request', `Send the SET as the whole body with Content-Type: ${SET_CONTENT_TYPE}.`);
    const body = typeof req.body === 'string' ? req.body.trim() : '';
    if (!COMPACT_JWS.test(body)) throw new EventError('invalid_request', 'The body must be one SET (a compact JWS).');
    const { iss, sub, events } = await verifySet(ctx, body);
    if (EVENT_ASSERTION_REVOKED in events) revokeTriple(ctx, iss, sub);
    ctx.audit('event.received', null, { iss, sub, events: Object.keys(events) });
    res.status(202).end();
  });
}

function revokeTriple(ctx: ServiceContext, iss: string, sub: string): void {
  const now = ctx.now();
  const { registrations, tokens, claimAttempts, accounts } = ctx.store.v06;
  ctx.store.transaction(() => {
    for (const reg of registrations.forTriple(iss, sub, ctx.issuer)) {
      const revoked = tokens.revokeForRegistration(reg.id, now); // effect 1
      registrations.revoke(reg.id, now); // effect 2
      tokens.forgetAssertions(reg.id); // beyond: assertions issued before the SET never exchange again
      claimAttempts.supersedeOpen(reg.id);
      ctx.audit('registration.revoked', reg.id, { iss, sub, tokens_revoked: revoked, reason: 'SET' });
    }
    if (accounts.deleteDelegation(iss, sub) > 0) ctx.audit('delegation.deleted', null, { iss, sub }); // effect 3
  });
}
