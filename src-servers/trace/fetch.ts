/**
 * fetchAs(actor): the fetch every in-host caller uses (the agent, the user's clicks in the studio,
 * the service fetching JWKS or a CIMD document, the provider posting a logout token). It says who
 * is calling in ACTOR_HEADER so the receiving role's middleware can draw the arrow from the right
 * lifeline. A request to a host outside the studio has no middleware to see it, so the wrapper
 * records that one itself — each exchange is recorded exactly once.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { flattenHeaders, BodyCapture } from './capture.js';
import { roundMs, wireTime } from './clock.js';
import type { RecordInput } from './middleware.js';
import { ACTOR_HEADER, PROFILE_HEADER, STEP_HEADER, type Actor } from './types.js';

export interface FetchContext {
  /** The role listening at an origin, when it is one of the host's own. */
  roleAt(origin: string): Actor | undefined;
  record(e: RecordInput): unknown;
  now(): number;
  /** Set by a role's middleware while it handles a request: a call made meanwhile belongs to that step. */
  stepContext: AsyncLocalStorage<{ step?: string }>;
}

export function createFetchAs(
  actor: Actor,
  opts: { getStep?: () => string | undefined; profile?: string },
  ctx: FetchContext,
): typeof fetch {
  return async function fetchAs(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    request.headers.set(ACTOR_HEADER, actor);
    // A service's calls say which protocol it speaks, so the callee's recorder labels the lifeline too.
    if (opts.profile) request.headers.set(PROFILE_HEADER, opts.profile);
    const step = safeStep(opts.getStep) ?? ctx.stepContext.getStore()?.step;
    // Header values must be ByteStrings; step names are plain ids, but encode in case one is not.
    if (step) request.headers.set(STEP_HEADER, encodeURIComponent(step));

    const url = new URL(request.url);
    const role = ctx.roleAt(url.origin);
    const base = {
      from: actor, to: role ?? ('External client' as const), ...(role ? {} : { toLabel: url.host }),
      ...(opts.profile ? { serviceProfile: opts.profile } : {}),
      ...(step ? { step } : {}), method: request.method, url: request.url, requestHeaders: flattenHeaders(request.headers),
    };
    const startedAt = ctx.now();
    const start = wireTime();
    // Read a copy now: once fetch has sent the body it is gone, and a failed send is recorded here too.
    const requestBody = request.body ? await request.clone().text() : null;

    let response: Response;
    try {
      response = await fetch(request);
    } catch (err) {
      // No answer means no middleware saw it, even at our own origins: record the failure here.
      record(ctx, { ...base, status: 0, requestBody, startedAt, start, error: describe(err) });
      throw err;
    }
    if (role) return response;

    // Read a copy in the background so the caller gets its response at once (and streams still stream).
    const responseHeaders = flattenHeaders(response.headers);
    void readAll(response.clone())
      // fetch already undid any Content-Encoding, so the bytes are plain.
      .then((capture) => ({ responseBody: capture.text({ ...responseHeaders, 'content-encoding': '' }) }), (err) => ({ responseBody: null, error: describe(err) }))
      .then((rest) => record(ctx, { ...base, status: response.status, requestBody, responseHeaders, startedAt, start, ...rest }));
    return response;
  };
}

function record(ctx: FetchContext, e: Omit<RecordInput, 'startedAt' | 'durationMs'> & { startedAt: number; start: number }): void {
  const { start, startedAt, ...rest } = e;
  const end = wireTime();
  try {
    ctx.record({ ...rest, startedAt: new Date(startedAt).toISOString(), durationMs: roundMs(end - start), timing: { start, end } });
  } catch {
    /* recording never breaks the caller's request */
  }
}

async function readAll(response: Response): Promise<BodyCapture> {
  const capture = new BodyCapture();
  if (!response.body) return capture;
  const reader = response.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) capture.add(r.value);
  return capture;
}

function safeStep(getStep?: () => string | undefined): string | undefined {
  try {
    return getStep?.() || undefined;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? String(err)}: ${cause}` : (e?.message ?? String(err));
}
