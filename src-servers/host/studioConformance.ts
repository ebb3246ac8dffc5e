import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/body.js';
import type { CheckResult, RunReport } from '../protocol/conformance.js';
import { PROFILE_IDS, type ProfileId } from '../protocol/profiles.js';
import {
  CONFORMANCE_PROFILE_CHOICES, CONFORMANCE_REPORT_FORMATS,
  type ConformanceInfo, type ConformanceProfileChoice, type ConformanceReportFormat, type ConformanceRun, type ConformanceRunNews, type ConformanceRunRequest,
} from '../protocol/studio.js';
import { selectChecks } from './conformance/checks/index.js';
import { toHtml } from './conformance/html.js';
import { DEFAULT_ISSUER_KEY_FILE, DEFAULT_ISSUER_PORT, startTestIssuer, trustLine, type TestIssuer } from './conformance/issuer.js';
import { toMarkdown } from './conformance/report.js';
import { failed, runConformance } from './conformance/run.js';
import type { Host } from './host.js';
import { StudioError, type StudioEmit } from './studioRuns.js';

/**
 * The studio's "Test a service" API (issue 18; contract: protocol/studio.ts, the conformance
 * part): the CLI's runner (host/conformance) started from the studio page, one run at a time, its
 * progress streamed over the studio's SSE channel, its report served in the runner's own formats.
 * Every request the runner sends goes through the trace (trace.fetchAs) with its check's id as the
 * step, so the inspector opens any check's exchanges. Nothing here judges anything: the checks do.
 */

export interface ConformanceApiOptions {
  host: Host;
  emit: StudioEmit;
  log: (line: string) => void;
  /** Where the runner's test issuer listens; a taken port falls back to a free one. Default 4610, as the CLI. */
  issuerPort?: number;
  /**
   * What the agent's run is doing, when one is going: the trace records into one current trace, so
   * a conformance run started meanwhile would mix its requests with the agent's (both ways).
   */
  agentRunGoing?: () => string | undefined;
}

export interface ConformanceApi {
  /** Mounted at /conformance inside the guarded studio API. */
  router: Router;
  /** Stop the running check run, if any (the studio stops). */
  cancel(): void;
  /** "Reset all data": stop the running run and forget the last one (its trace is wiped with the rest). */
  reset(): void;
  /** Whether a run is going (the agent's runs wait for it: one trace records at a time). */
  running(): boolean;
}

/** The provider user the provider checks sign in as (PROTOCOL.md §6 seeded users), as the CLI's default. */
const PROVIDER_USER = 'alice@example.com';
/** The step of the requests sent before any check (profile detection from the AS metadata). */
const DETECT_STEP = 'conformance.detect-profile';

const httpUrl = z.string().trim().max(2000).refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'not an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

const runBody = z.strictObject({
  serviceUrl: httpUrl.optional(),
  providerUrl: httpUrl.nullable().optional(),
  mailboxUrl: httpUrl.nullable().optional(),
  profile: z.enum(CONFORMANCE_PROFILE_CHOICES as [ConformanceProfileChoice, ...ConformanceProfileChoice[]]).default('auto'),
  only: z.array(z.string().trim().min(1).max(100)).max(200).default([]),
}) satisfies z.ZodType<ConformanceRunRequest, unknown>;

/** `only` as --only reads it (run.ts): exact ids, or prefixes ending in "." or "*"; each must name a check. */
function unknownOnly(only: string[], profile: ConformanceProfileChoice): string[] {
  const profiles: readonly ProfileId[] = profile === 'auto' ? PROFILE_IDS : [profile];
  return only.filter((o) => !profiles.some((p) => selectChecks(p, [o]).length > 0));
}

const planned = (profile: ProfileId) => selectChecks(profile, []).map(({ id, title, group, target, spec }) => ({ id, title, group, target, spec }));

const REPORT: Record<ConformanceReportFormat, { type: string; ext: string; render: (r: RunReport) => string }> = {
  json: { type: 'application/json', ext: 'json', render: (r) => `${JSON.stringify(r, null, 2)}\n` },
  markdown: { type: 'text/markdown; charset=utf-8', ext: 'md', render: toMarkdown },
  html: { type: 'text/html; charset=utf-8', ext: 'html', render: toHtml },
};

interface Live {
  snap: Omit<ConformanceRun, 'rev'>;
  abort: AbortController;
  report?: RunReport;
}

export function createConformanceApi(opts: ConformanceApiOptions): ConformanceApi {
  const { host, emit, log } = opts;
  const issuerPort = opts.issuerPort ?? DEFAULT_ISSUER_PORT;
  let live: Live | null = null;
  let rev = 0;

  const snapshot = (l: Live): ConformanceRun => ({ ...l.snap, results: [...l.snap.results], rev: ++rev });
  const news = (l: Live) => {
    const { results, ...rest } = snapshot(l);
    emit('conformance-run', { ...rest, resultCount: results.length } satisfies ConformanceRunNews);
  };
  const get = (id: string): Live => {
    if (!live || live.snap.id !== id) throw new StudioError(404, 'not_found', `No conformance run with id ${id}.`);
    return live;
  };

  /** The runner's issuer on the CLI's port, so the trust line it prints is the same; a taken port (a CLI run) falls back. */
  async function openIssuer(): Promise<TestIssuer> {
    try {
      return await startTestIssuer(issuerPort, DEFAULT_ISSUER_KEY_FILE);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || issuerPort === 0) throw err;
      return startTestIssuer(0, DEFAULT_ISSUER_KEY_FILE);
    }
  }

  function start(req: z.infer<typeof runBody>): Live {
    const request = {
      serviceUrl: req.serviceUrl ?? host.urls.service,
      ...(req.providerUrl !== null ? { providerUrl: req.providerUrl ?? host.urls.provider } : {}),
      ...(req.mailboxUrl !== null ? { mailboxUrl: req.mailboxUrl ?? host.urls.mailbox } : {}),
      profile: req.profile, only: req.only,
    };
    const traceId = host.trace.beginTrace({ title: `Conformance · ${request.serviceUrl}` });
    const l: Live = {
      abort: new AbortController(),
      snap: { id: `cfr_${randomBytes(9).toString('base64url')}`, status: 'running', request, planned: [], results: [], traceId, startedAt: new Date().toISOString() },
    };
    const running = () => live === l && l.snap.status === 'running';
    // Every request is recorded, its step the check it belongs to (the inspector groups by it).
    const traced = host.trace.fetchAs('Agent', { getStep: () => l.snap.current ?? DETECT_STEP });
    // Cancel aborts the request in flight too, not only the checks still to come.
    const fetchFn: typeof fetch = (input, init) =>
      traced(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, l.abort.signal]) : l.abort.signal });

    void (async () => {
      let issuer: TestIssuer | undefined;
      try {
        issuer = await openIssuer();
        const report = await runConformance(
          {
            serviceUrl: request.serviceUrl, providerUrl: request.providerUrl, mailboxUrl: request.mailboxUrl, providerUser: PROVIDER_USER,
            profile: request.profile === 'auto' ? undefined : request.profile,
            // Nobody sits at a terminal: the bundled mailbox plays the person, or the check is SKIPPED (as --non-interactive).
            interactive: false, only: request.only, issuerPort: 0, issuer,
          },
          (result: CheckResult) => {
            if (!running()) return;
            l.snap.results.push(result);
            emit('conformance-check', { runId: l.snap.id, index: l.snap.results.length - 1, result });
          },
          {
            fetch: fetchFn,
            signal: l.abort.signal,
            onPlan: (plan) => {
              if (!running()) return;
              Object.assign(l.snap, { profile: plan.profile, profileSource: plan.profileSource, issuer: plan.issuer, trustLine: trustLine(plan.issuer), planned: plan.checks });
              news(l);
            },
            onCheckStart: (check) => {
              if (!running()) return;
              l.snap.current = check.id;
              news(l);
            },
          },
        );
        if (!running()) return;
        l.report = report;
        Object.assign(l.snap, { status: 'finished', current: undefined, summary: report.summary, passed: !failed(report), finishedAt: report.finishedAt });
      } catch (err) {
        if (!running()) return;
        // The run could not start or go on (no issuer port, `only` naming no check of the detected profile).
        Object.assign(l.snap, { status: 'error', current: undefined, error: (err as Error).message, finishedAt: new Date().toISOString() });
      } finally {
        await issuer?.close().catch(() => {});
      }
      log(`conformance run ${l.snap.id}: ${l.snap.status}${l.snap.error ? ` (${l.snap.error})` : ''}`);
      news(l);
    })();
    return l;
  }

  function cancel(l: Live) {
    l.abort.abort();
    Object.assign(l.snap, { status: 'cancelled', current: undefined, finishedAt: new Date().toISOString() });
    news(l);
  }

  const router = express.Router();

  router.get('/info', (_req, res) => {
    const { service, provider, mailbox } = host.urls;
    res.json({
      defaults: { serviceUrl: service, providerUrl: provider, mailboxUrl: mailbox },
      checks: Object.fromEntries(PROFILE_IDS.map((p) => [p, planned(p)])) as ConformanceInfo['checks'],
    } satisfies ConformanceInfo);
  });

  // No run yet is not an error: `null`, as /runs/current.
  router.get('/runs/current', (_req, res) => {
    res.json(live ? snapshot(live) : null);
  });

  router.post('/runs', (req, res) => {
    const body = parseBody(runBody, req.body);
    if (live?.snap.status === 'running')
      throw new StudioError(409, 'conformance_running', `A conformance run is going (${live.snap.id}): wait for it, or cancel it first.`);
    const agent = opts.agentRunGoing?.();
    if (agent)
      throw new StudioError(409, 'agent_run_going', `An agent run is open (${agent}) and the trace records into it: let it finish, or reset it, then test the service.`);
    const unknown = unknownOnly(body.only, body.profile);
    if (unknown.length) {
      const where = body.profile === 'auto' ? 'either profile' : `profile ${body.profile}`;
      throw new StudioError(400, 'invalid_request', `only: no check of ${where} is named ${unknown.map((u) => `"${u}"`).join(', ')}.`);
    }
    live = start(body);
    const snap = snapshot(live);
    news(live);
    res.status(202).json(snap);
  });

  router.post('/runs/:id/cancel', (req, res) => {
    const l = get(String(req.params.id));
    if (l.snap.status !== 'running') throw new StudioError(409, 'not_running', `The conformance run is ${l.snap.status} already.`);
    cancel(l);
    res.json(snapshot(l));
  });

  router.get('/runs/:id/report', (req, res) => {
    const format = String(req.query.format ?? 'json') as ConformanceReportFormat;
    if (!CONFORMANCE_REPORT_FORMATS.includes(format)) throw new StudioError(400, 'invalid_request', `format must be ${CONFORMANCE_REPORT_FORMATS.join(', ')}.`);
    const l = get(String(req.params.id));
    if (!l.report) {
      const why = l.snap.status === 'running' ? 'is still running' : l.snap.status === 'cancelled' ? 'was cancelled before it finished: run it again' : `could not run (${l.snap.error})`;
      throw new StudioError(409, 'report_not_ready', `No report: the run ${why}.`);
    }
    const kind = REPORT[format];
    const name = `conformance-${l.report.profile}-${l.report.startedAt.slice(0, 19).replace(/[:T]/g, '-')}.${kind.ext}`;
    // The HTML report is a page built from a peer's answers: no script runs in it, even opened from here (html.ts has the same CSP).
    if (format === 'html') res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.attachment(name).type(kind.type).set('Cache-Control', 'no-store').send(kind.render(l.report));
  });

  return {
    router,
    cancel() {
      if (live?.snap.status === 'running') cancel(live);
    },
    reset() {
      if (live?.snap.status === 'running') cancel(live);
      live = null;
    },
    running: () => live?.snap.status === 'running',
  };
}
