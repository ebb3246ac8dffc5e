import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response } from 'express';
import { z } from 'zod';
import { AGENT_FLOWS, SCENARIOS, scenarioDef, scenarioOn, type AgentFlowId } from '../agent/index.js';
import { parseBody } from '../http/body.js';
import { jsonErrorHandler } from '../http/errors.js';
import { hardenServer, limitRequestBody, SERVER_OPTIONS } from '../http/limits.js';
import { MAX_BODY_BYTES } from '../protocol/constants.js';
import { PROFILE_IDS, type ProfileId } from '../protocol/profiles.js';
import { CONSENT_CHOICES } from '../protocol/run.js';
import {
  PROFILE_FLOWS, STUDIO_API_PATH,
  type ActRequest, type AutopilotRequest, type CreateRunRequest, type OtpRequest, type PlayRequest, type ResetResult,
  type RoleTables, type StudioErrorBody, type StudioEventName, type StudioEvents, type StudioInfo,
  type StudioTraces, type DeleteTraceResult,
} from '../protocol/studio.js';
import type { Exchange, ExportFormat } from '../protocol/trace.js';
import type { Host } from './host.js';
import { closeServer, listenWithFallback, LOOPBACK } from './ports.js';
import { studioOrigins } from '../http/framing.js';
import { hostAllowList } from '../http/hostCheck.js';
import { RunController, StudioError, type StudioEmit } from './studioRuns.js';
import { profileFlows, serviceForProfile } from './studioServices.js';
import { userRoutes } from './studioUser.js';
import { createStudioToken, studioGuard, withToken } from './studioGuard.js';
import { createConformanceApi } from './studioConformance.js';

/**
 * The studio API (its contract: protocol/studio.ts): the renderer's only door into the host.
 * It drives one AgentRun at a time, streams the trace over Server-Sent Events and serves
 * the built renderer. Everything the renderer shows comes from here or from the real
 * role servers (iframes), so a browser tab and the Electron window behave the same.
 */

export interface StudioOptions {
  host: Host;
  /** Built renderer (vite output). Default: <repo>/out/renderer. */
  rendererDir?: string;
  log?: (line: string) => void;
}
export interface Studio {
  app: express.Express;
  /** This launch's API secret (studioGuard.ts): the page gets it in its HTML, the desktop shell from here. */
  token: string;
  stop(): void;
}
export type { StudioRun } from '../protocol/studio.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HEARTBEAT_MS = 15_000;
const FLOW_IDS = AGENT_FLOWS.map((f) => f.id) as [AgentFlowId, ...AgentFlowId[]];

const createRunBody: z.ZodType<CreateRunRequest> = z.strictObject({
  flow: z.enum(FLOW_IDS).optional(),
  scenario: z.string().optional(),
  autopilot: z.boolean().optional(),
  profile: z.enum(PROFILE_IDS).optional(),
});

const EXPORT_TYPES = {
  json: { type: 'application/json', ext: 'json' },
  har: { type: 'application/json', ext: 'har' },
  mermaid: { type: 'text/plain; charset=utf-8', ext: 'mmd' },
  markdown: { type: 'text/markdown; charset=utf-8', ext: 'md' },
} as const satisfies Record<ExportFormat, { type: string; ext: string }>;

export function createStudio(opts: StudioOptions): Studio {
  const { host } = opts;
  const log = opts.log ?? (() => {});
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const emit: StudioEmit = (event, data) => bus.emit('event', event, data);
  const runs = new RunController(host, emit, log);
  const conformance = createConformanceApi({ host, emit, log, agentRunGoing: () => runs.goingAs() });
  const userFetch = () => host.trace.fetchAs('User', { getStep: () => runs.currentStepName() });

  // Forward the recorder's exchanges (the renderer follows a new trace through the run's traceId
  // and the exchanges' own, so the recorder's 'trace' event stays in the host). A reset may hand
  // us a new recorder: rebind when it does.
  let boundTrace: Host['trace'] | null = null;
  const onExchange = (e: Exchange) => emit('exchange', e);
  const onUpdated = (e: Exchange) => emit('exchange-updated', e);
  const bindTrace = () => {
    if (boundTrace === host.trace) return;
    unbindTrace();
    boundTrace = host.trace;
    boundTrace.on('exchange', onExchange).on('exchange-updated', onUpdated);
  };
  const unbindTrace = () => {
    boundTrace?.off('exchange', onExchange).off('exchange-updated', onUpdated);
    boundTrace = null;
  };
  bindTrace();

  const app = express();
  app.disable('x-powered-by');
  app.use(hostAllowList()); // DNS rebinding: only the loopback names of our port (DESIGN.md rule 10)
  // Bodies are capped as they arrive, on every path (http/limits.ts); express.json caps them inflated.
  app.use(limitRequestBody(MAX_BODY_BYTES));
  const token = createStudioToken();
  const api = express.Router();
  api.use(studioGuard(token)); // the studio page only: its secret, its Origin, JSON bodies (DESIGN.md rule 10)
  api.use(express.json({ limit: MAX_BODY_BYTES }));
  const current = () => runs.snapshot();

  api.get('/info', (_req, res) => {
    const services = host.services.map(({ profile, url, primary }) => ({ profile, url, primary }));
    const byProfile = profileFlows(services.map((s) => s.profile));
    // The flows some running service offers: a one-profile host lists that profile's only.
    const offered = new Set(Object.values(byProfile).flat());
    const info: StudioInfo = {
      urls: host.urls, services, profileFlows: byProfile, flows: AGENT_FLOWS.filter((f) => offered.has(f.id)), scenarios: SCENARIOS,
    };
    res.json(info);
  });

  const serviceFor = (profile: ProfileId | undefined) => serviceForProfile(host, profile);

  api.post('/runs', (req, res) => {
    const body = parseBody(createRunBody, req.body);
    const scenario = body.scenario ? SCENARIOS.find((s) => s.id === body.scenario) : undefined;
    if (body.scenario && !scenario) throw new StudioError(400, 'invalid_request', `Unknown scenario "${body.scenario}".`);
    // One trace records at a time: a conformance run's requests would land in this run's trace.
    if (conformance.running()) throw new StudioError(409, 'conformance_running', 'A conformance run is going ("Test a service"): wait for it or cancel it, then start the agent.');
    const flow = scenario?.flow ?? body.flow;
    if (!flow) throw new StudioError(400, 'invalid_request', 'Give a flow (or a scenario).');
    if (scenario && body.flow && body.flow !== scenario.flow)
      throw new StudioError(400, 'invalid_request', `Scenario "${scenario.id}" belongs to the ${scenario.flow} flow.`);
    const service = serviceFor(body.profile);
    // PROTOCOL-v0.6.md §11: some flows exist in one profile only (verified email became service_auth).
    if (!PROFILE_FLOWS[service.profile].includes(flow))
      throw new StudioError(400, 'invalid_request', `The ${flow} flow does not exist in ${service.profile}; its flows are ${PROFILE_FLOWS[service.profile].join(', ')}.`);
    // Each lesson says where it applies (ScenarioInfo.profiles, DESIGN.md rule 8): refuse it up front
    // rather than start a run that can only end "does not apply" after discovery.
    if (scenario && !scenario.profiles.includes(service.profile)) {
      const on = scenarioOn(scenarioDef(scenario.id)!, service.profile);
      const why = 'reason' in on ? ` ${on.reason}` : '';
      throw new StudioError(400, 'lesson_not_applicable',
        `The lesson "${scenario.title}" applies to ${scenario.profiles.join(', ')} only, not to ${service.profile}.${why}`);
    }
    res.status(201).json(runs.create(flow, scenario?.id, body.autopilot ?? false, service));
  });

  // No run yet is not an error (a fresh studio has none): `null`, so the page's console stays clean.
  api.get('/runs/current', (_req, res) => {
    res.json(current());
  });

  api.post('/runs/:id/next', async (req, res) => {
    res.json(await runs.next(runs.get(String(req.params.id))));
  });
  api.post('/runs/:id/play', (req, res) => {
    const playBody = z.object({ delayMs: z.number().int().min(0).max(10_000).optional(), holdAtMoments: z.boolean().optional() });
    const { delayMs, holdAtMoments } = parseBody(playBody satisfies z.ZodType<PlayRequest>, req.body);
    res.json(runs.play(runs.get(String(req.params.id)), delayMs ?? 700, { holdAtMoments }));
  });
  api.post('/runs/:id/pause', (req, res) => {
    runs.get(String(req.params.id));
    res.json(runs.pause());
  });
  api.post('/runs/:id/autopilot', (req, res) => {
    const { on } = parseBody(z.object({ on: z.boolean() }) satisfies z.ZodType<AutopilotRequest>, req.body);
    runs.get(String(req.params.id)).setAutopilot(on);
    res.json(current());
  });
  api.post('/runs/:id/otp', (req, res) => {
    const { otp } = parseBody(z.object({ otp: z.string().trim().min(1).max(32) }) satisfies z.ZodType<OtpRequest>, req.body);
    runs.get(String(req.params.id)).provideOtp(otp);
    res.json(current());
  });

  // Additive: let the person answer through the studio instead of a page (the verified-email
  // consent question, "do it for me"). choice answers a consent prompt.
  api.post('/runs/:id/act', async (req, res) => {
    const { choice } = parseBody(z.object({ choice: z.enum(CONSENT_CHOICES).optional() }) satisfies z.ZodType<ActRequest>, req.body);
    const run = runs.get(String(req.params.id));
    if (!run.state().waitingFor) throw new StudioError(409, 'not_waiting', 'The agent is not waiting for you.');
    await run.actAsUser(choice);
    res.json(current());
  });

  // The run history: every trace, with how its run ended when this launch saw it.
  api.get('/traces', (_req, res) => {
    const traces = host.trace.listTraces().map((t) => ({ ...t, ...runs.endings.get(t.id) }));
    const recording = host.trace.currentTraceId();
    res.json({ current: runs.run?.state().traceId ?? recording, recording, traces } satisfies StudioTraces);
  });
  api.delete('/traces/:id', (req, res) => {
    const id = String(req.params.id);
    if (!host.trace.listTraces().some((t) => t.id === id)) throw new StudioError(404, 'not_found', `No trace with id ${id}.`);
    if (id === host.trace.currentTraceId() || id === runs.run?.state().traceId)
      throw new StudioError(409, 'trace_in_use', 'That trace is still being recorded (the current run or the traffic between runs): it can be deleted once another run begins.');
    host.trace.deleteTrace(id);
    runs.endings.delete(id);
    res.json({ deleted: id } satisfies DeleteTraceResult);
  });
  api.get('/traces/:id/exchanges', (req, res) => {
    res.json(host.trace.exchanges(String(req.params.id)));
  });
  api.get('/traces/:id/export', (req, res) => {
    const format = String(req.query.format ?? 'json') as keyof typeof EXPORT_TYPES;
    const kind = EXPORT_TYPES[format];
    if (!kind) throw new StudioError(400, 'invalid_request', 'format must be json, har, mermaid or markdown.');
    const id = String(req.params.id);
    if (!host.trace.listTraces().some((t) => t.id === id)) throw new StudioError(404, 'not_found', `No trace with id ${id}.`);
    const body = host.trace.exportTrace(id, format);
    // attachment() sets the type from the file name, so the type goes after it (.har, .mmd are not JSON / text to it).
    res.attachment(`trace-${id}.${kind.ext}`).type(kind.type).send(body);
  });

  api.get('/state', (req, res) => {
    const profile = req.query.profile;
    if (profile !== undefined && !PROFILE_IDS.includes(profile as ProfileId))
      throw new StudioError(400, 'invalid_request', `profile must be one of ${PROFILE_IDS.join(', ')}.`);
    const service = serviceFor(profile as ProfileId | undefined);
    res.json({ service: service.handle.inspect(), provider: host.provider.inspect() } satisfies RoleTables);
  });

  userRoutes(api, host, userFetch);

  api.post('/reset', async (_req, res) => {
    runs.cancel();
    conformance.reset();
    await host.reset(); // wipes every role's data and the trace
    runs.endings.clear();
    bindTrace();
    emit('reset', {});
    res.json({ reset: true } satisfies ResetResult);
  });

  // Server-Sent Events (protocol/studio.ts StudioEvents): live news of the run and the trace, with
  // heartbeat comments so proxies keep it open. No greeting: a client re-reads the run and the
  // trace over HTTP whenever it (re)connects.
  const streams = new Set<Response>();
  api.get('/events', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    const send = <K extends StudioEventName>(event: K, data: StudioEvents[K]) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    bus.on('event', send);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    streams.add(res);
    const cleanup = () => {
      clearInterval(heartbeat);
      bus.off('event', send);
      streams.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  });

  api.use('/conformance', conformance.router); // "Test a service" (issue 18): studioConformance.ts
  api.use((_req, _res, next) => next(new StudioError(404, 'not_found', 'No such studio API endpoint.')));
  api.use(jsonErrorHandler({ role: 'studio', log, ownError: (err) => (err instanceof StudioError ? err : undefined) }));
  app.use(STUDIO_API_PATH, api);

  // The renderer: static files with an SPA fallback to index.html.
  const rendererDir = opts.rendererDir ?? join(REPO_ROOT, 'out', 'renderer');
  const index = join(rendererDir, 'index.html');
  // index.html carries this launch's token, so it is never cached and never served as a plain file.
  const sendIndex = (res: Response) =>
    res.set('Cache-Control', 'no-store').type('html').send(withToken(readFileSync(index, 'utf8'), token));
  app.get(['/', '/index.html'], (_req, res, next) => (existsSync(index) ? sendIndex(res) : next()));
  app.use(express.static(rendererDir, { index: false }));
  app.use((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.status(404).json({ error: 'not_found', message: 'Not found.' });
    if (existsSync(index)) return void sendIndex(res);
    res.status(503).type('text/plain').send('The studio UI is not built yet. Run `npm run build:renderer` (or `npm run web`).');
  });
  // Outside the API too (a refused body, a bad path for the static files): the envelope, never Express's HTML.
  app.use(jsonErrorHandler({ role: 'studio', log }));

  return {
    app,
    token,
    stop() {
      runs.cancel();
      conformance.cancel();
      unbindTrace();
      for (const res of streams) res.end();
      streams.clear();
      bus.removeAllListeners();
    },
  };
}

export interface StudioServer {
  url: string;
  /** The API secret (Studio.token): the desktop shell's own calls send it. */
  token: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

/** Start the studio on its own loopback port (0 = any free; a taken port falls back to a free one). */
export async function startStudioServer(host: Host, port = 5178, opts: Omit<StudioOptions, 'host'> = {}): Promise<StudioServer> {
  const studio = createStudio({ host, ...opts });
  const server = hardenServer(createServer(SERVER_OPTIONS, studio.app));
  const chosen = await listenWithFallback(server, port, 'studio', opts.log ?? ((l) => console.log(l)));
  const url = `http://${LOOPBACK}:${chosen}`;
  const stopFraming = host.allowFraming(studioOrigins(url)); // the panes frame the roles' pages; nobody else may
  return {
    url,
    token: studio.token,
    port: chosen,
    server,
    async stop() {
      stopFraming();
      studio.stop();
      await closeServer(server, 1_000);
    },
  };
}
