import { Router, type Response } from 'express';
import { z } from 'zod';
import { PROVIDER_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { iso, randomId, type ProviderContext } from './context.js';
import { renderConsentPage, renderProblemPage, renderResultPage } from './consentPage.js';
import { clientMetadata } from './discovery.js';
import { GRANT_EVENTS_URI } from '../protocol/v0.6/constants.js';
import { audienceSchema, checkRevocationTarget, createGrant, GRANT_MODES, revocationUriSchema, type GrantMode } from './grants.js';
import { parseBody } from '../http/body.js';
import { sendPage } from './http.js';
import { authenticate, findUserByEmail, findUserById, listUsers } from './users.js';
import { CONSENT_FORM_FIELD, consentFormTokens, pageBinding, requestBinding } from './consentForm.js';

/**
 * Consent, the bundled provider's own API (PROTOCOL.md §6 is silent on how the agent learns the
 * answer). The agent files a consent request and sends the person to its consent_url; the person answers on our page;
 * the agent polls the request. Approving creates the grant that /id-jag needs, carrying whichever
 * revocation receiver the agent named: a v0.1 service's revocation_uri or a v0.6 service's
 * events_uri (PROTOCOL-v0.6.md §6), never both.
 *
 * The request id in the URL is an unguessable capability: this demo provider has no passwords and
 * no browser sign-in, so whoever holds the link can answer it. A real provider would also require
 * the person's own browser session here. Every answer must come from our own page: it carries the
 * page's anti-forgery token (consentForm.ts), so another site's form post creates no grant.
 */

export interface ConsentRequest {
  id: string;
  user_id: string;
  audience: string;
  resource_name: string | null;
  revocation_uri: string | null;
  events_uri: string | null;
  mode: GrantMode | null;
  status: 'pending' | 'approved' | 'denied';
  grant_id: string | null;
  created_at: number;
  decided_at: number | null;
}

const REQUESTS = `${PROVIDER_PATHS.consent}/requests`;

const resourceName = z.string().trim().min(1).max(200);
const createRequestBody = z.object({
  audience: audienceSchema,
  resource_name: resourceName.optional(),
  revocation_uri: revocationUriSchema.optional(),
  [GRANT_EVENTS_URI]: revocationUriSchema.optional(),
  mode: z.enum(GRANT_MODES).optional(),
});

export function consentUrl(ctx: ProviderContext, r: Pick<ConsentRequest, 'audience' | 'resource_name' | 'id'>): string {
  const q = new URLSearchParams({ audience: r.audience });
  if (r.resource_name) q.set('resource_name', r.resource_name);
  q.set('request', r.id);
  return `${ctx.issuer}${PROVIDER_PATHS.consent}?${q}`;
}

export function listConsentRequests(ctx: ProviderContext): ConsentRequest[] {
  return ctx.db.prepare('SELECT * FROM consent_requests ORDER BY created_at DESC, rowid DESC').all() as ConsentRequest[];
}

export function consentRequestView(r: ConsentRequest) {
  return {
    request_id: r.id,
    status: r.status,
    ...(r.grant_id ? { grant_id: r.grant_id } : {}),
    audience: r.audience,
    resource_name: r.resource_name,
    created_at: iso(r.created_at),
    decided_at: iso(r.decided_at),
  };
}

function findRequest(ctx: ProviderContext, id: string): ConsentRequest | undefined {
  return ctx.db.prepare('SELECT * FROM consent_requests WHERE id = ?').get(id) as ConsentRequest | undefined;
}

/** Record the person's answer exactly once; approving creates the grant in the same transaction. */
function decide(ctx: ProviderContext, r: ConsentRequest, answer: { mode: GrantMode } | 'deny'): boolean {
  return ctx.db.transaction(() => {
    const fresh = findRequest(ctx, r.id);
    if (!fresh || fresh.status !== 'pending') return false;
    if (answer === 'deny') {
      ctx.db.prepare("UPDATE consent_requests SET status = 'denied', decided_at = ? WHERE id = ?").run(ctx.now(), r.id);
    } else {
      const grant = createGrant(ctx, r.user_id, { audience: r.audience, mode: answer.mode, revocation_uri: r.revocation_uri, events_uri: r.events_uri });
      ctx.db
        .prepare("UPDATE consent_requests SET status = 'approved', grant_id = ?, decided_at = ? WHERE id = ?")
        .run(grant.id, ctx.now(), r.id);
    }
    return true;
  })();
}

const problem = (res: Response, status: number, title: string, message: string) => sendPage(res, status, renderProblemPage(title, message));
const forged = (res: Response) =>
  problem(res, 403, 'This answer did not come from the consent page', 'Nothing was granted. Open the consent link again and answer on that page.');
const targetOf = (audience: string, name: string | null | undefined) => name || new URL(audience).host;
const modeOf = (v: unknown): GrantMode | undefined => (v === 'once' || v === 'always' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The revocation receiver a request-less page carries (query, then its form): a malformed URL counts
 * as none, as before; naming both is no answer at all (PROTOCOL-v0.6.md §6: at most one per grant).
 */
function receiverOf(fields: Record<string, unknown>): { revocation_uri: string | null; events_uri: string | null } | undefined {
  const uri = (v: unknown) => {
    const parsed = revocationUriSchema.safeParse(str(v));
    return parsed.success ? parsed.data : null;
  };
  const target = { revocation_uri: uri(fields.revocation_uri), events_uri: uri(fields[GRANT_EVENTS_URI]) };
  return target.revocation_uri && target.events_uri ? undefined : target;
}

export function consentRoutes(ctx: ProviderContext): Router {
  const router = Router();
  const clientName = clientMetadata(ctx).client_name;
  const forms = consentFormTokens(ctx.now);

  // The agent asks; 201 {request_id, consent_url, status:"pending"}.
  router.post(REQUESTS, (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const body = parseBody(createRequestBody, req.body);
    checkRevocationTarget(body);
    const r: ConsentRequest = {
      id: randomId('cr_'),
      user_id: user.id,
      audience: body.audience,
      resource_name: body.resource_name ?? null,
      revocation_uri: body.revocation_uri ?? null,
      events_uri: body.events_uri ?? null,
      mode: body.mode ?? null,
      status: 'pending',
      grant_id: null,
      created_at: ctx.now(),
      decided_at: null,
    };
    ctx.db
      .prepare(
        `INSERT INTO consent_requests (id, user_id, audience, resource_name, revocation_uri, events_uri, mode, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      )
      .run(r.id, r.user_id, r.audience, r.resource_name, r.revocation_uri, r.events_uri, r.mode, r.created_at);
    res.status(201).json({ request_id: r.id, consent_url: consentUrl(ctx, r), status: r.status });
  });

  // The agent polls for the person's answer (only the same user may look).
  router.get(`${REQUESTS}/:id`, (req, res) => {
    const { user } = authenticate(ctx, req.headers.authorization);
    const r = findRequest(ctx, req.params.id);
    if (!r || r.user_id !== user.id) throw new ProtocolError('not_found', 'You have no such consent request.');
    res.json(consentRequestView(r));
  });

  // The consent prompt the person sees.
  router.get(PROVIDER_PATHS.consent, (req, res) => {
    const requestId = str(req.query.request);
    if (requestId) {
      const r = findRequest(ctx, requestId);
      const user = r && findUserById(ctx, r.user_id);
      if (!r || !user) return problem(res, 404, 'Consent request not found', 'This consent link is unknown or was reset.');
      const target = targetOf(r.audience, r.resource_name);
      if (r.status !== 'pending') return sendPage(res, 200, renderResultPage(r.status, target));
      return sendPage(
        res,
        200,
        renderConsentPage({
          audience: r.audience,
          resourceName: r.resource_name,
          suggestedMode: r.mode ?? 'once',
          approveAction: `${REQUESTS}/${encodeURIComponent(r.id)}/approve`,
          denyAction: `${REQUESTS}/${encodeURIComponent(r.id)}/deny`,
          hidden: { [CONSENT_FORM_FIELD]: forms.issue(requestBinding(r.id)) },
          user,
          clientName,
        }),
      );
    }
    // Without a stored request: the person picks a seeded user, and approving grants directly.
    const audience = audienceSchema.safeParse(req.query.audience);
    if (!audience.success)
      return problem(res, 400, 'Incomplete consent link', 'The link must name the service as ?audience=<its issuer URL>.');
    const name = resourceName.safeParse(req.query.resource_name);
    const target = receiverOf(req.query);
    if (!target) return problem(res, 400, 'Conflicting consent link', 'The link names both revocation_uri and events_uri; a service has one of them.');
    sendPage(
      res,
      200,
      renderConsentPage({
        audience: audience.data,
        resourceName: name.success ? name.data : null,
        suggestedMode: modeOf(req.query.mode) ?? 'once',
        approveAction: `${PROVIDER_PATHS.consent}/approve`,
        denyAction: `${PROVIDER_PATHS.consent}/deny`,
        pickUsers: { users: listUsers(ctx), selected: str(req.query.login_hint)?.toLowerCase() },
        hidden: {
          audience: audience.data,
          resource_name: name.success ? name.data : null,
          revocation_uri: target.revocation_uri,
          [GRANT_EVENTS_URI]: target.events_uri,
          [CONSENT_FORM_FIELD]: forms.issue(pageBinding(audience.data, target)),
        },
        clientName,
      }),
    );
  });

  // The person's answer to a stored request (form posts from the page above).
  router.post(`${REQUESTS}/:id/:answer`, (req, res) => {
    const answer = req.params.answer;
    if (answer !== 'approve' && answer !== 'deny') throw new ProtocolError('not_found', `No POST ${req.path} on this provider.`);
    const r = findRequest(ctx, req.params.id);
    if (!r) return problem(res, 404, 'Consent request not found', 'This consent link is unknown or was reset.');
    if (!forms.valid(req.body?.[CONSENT_FORM_FIELD], requestBinding(r.id))) return forged(res);
    const target = targetOf(r.audience, r.resource_name);
    const mode = modeOf(req.body?.mode);
    if (answer === 'approve' && !mode) return problem(res, 400, 'Choose how long', 'Press "Allow once" or "Always allow".');
    if (!decide(ctx, r, answer === 'deny' ? 'deny' : { mode: mode! }))
      return problem(res, 409, 'Already answered', `This request was already ${r.status}. Return to your agent.`);
    sendPage(res, 200, answer === 'deny' ? renderResultPage('denied', target) : renderResultPage('approved', target, mode));
  });

  // The person's answer on a page without a stored request.
  router.post(`${PROVIDER_PATHS.consent}/:answer`, (req, res) => {
    const answer = req.params.answer;
    if (answer !== 'approve' && answer !== 'deny') throw new ProtocolError('not_found', `No POST ${req.path} on this provider.`);
    const audience = audienceSchema.safeParse(req.body?.audience);
    if (!audience.success) return problem(res, 400, 'Incomplete consent form', 'The form does not name the service.');
    const target = receiverOf(req.body ?? {});
    if (!target || !forms.valid(req.body?.[CONSENT_FORM_FIELD], pageBinding(audience.data, target))) return forged(res);
    const shownAs = targetOf(audience.data, str(req.body?.resource_name));
    if (answer === 'deny') return sendPage(res, 200, renderResultPage('denied', shownAs));
    const mode = modeOf(req.body?.mode);
    const user = findUserByEmail(ctx, str(req.body?.user) ?? '');
    if (!mode || !user) return problem(res, 400, 'Incomplete consent form', 'Pick a user, then press "Allow once" or "Always allow".');
    createGrant(ctx, user.id, { audience: audience.data, mode, ...target });
    sendPage(res, 200, renderResultPage('approved', shownAs, mode));
  });

  return router;
}
