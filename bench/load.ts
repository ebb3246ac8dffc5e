/** One autocannon run over loopback, summarised the way the bench reports it. */
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The same body on every request. */
  body?: string;
  /** A fresh body for every request (unique assertions, unique OTP completions). */
  nextBody?: () => string;
  connections: number;
  durationS: number;
  /** Stop earlier when this many requests were sent (a pool of one-time bodies runs out). */
  maxRequests?: number;
}

export interface LoadResult {
  /** 2xx answers: only these count as work done. */
  ok: number;
  durationS: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** 2xx answers in each whole second of the run: dips show GC pauses, checkpoints, a noisy neighbour. */
  perSecond: number[];
}

/** Float milliseconds of every 2xx answer (autocannon's own histogram keeps whole milliseconds only). */
class Latencies {
  private data = new Float64Array(1 << 16);
  private n = 0;
  push(ms: number) {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }
  summary() {
    const sorted = this.data.slice(0, this.n).sort();
    const at = (q: number) => (this.n ? sorted[Math.min(this.n - 1, Math.floor(q * this.n))] : 0);
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += sorted[i];
    return { p50: at(0.5), p99: at(0.99), mean: this.n ? sum / this.n : 0 };
  }
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const headers = { ...(spec.body !== undefined || spec.nextBody ? { 'content-type': 'application/json' } : {}), ...spec.headers };
  const nextBody = spec.nextBody;
  const opts: autocannon.Options = {
    url: url.origin,
    connections: spec.connections,
    duration: spec.durationS,
    pipelining: 1,
    timeout: 30,
    sampleInt: 100, // autocannon notices the end (pool used up) at its next sample tick
    ...(spec.maxRequests ? { maxOverallRequests: Math.max(spec.maxRequests, spec.connections) } : {}),
    requests: [
      {
        method: spec.method,
        path: url.pathname + url.search,
        headers,
        ...(nextBody
          ? {
              setupRequest: (req: any) => {
                req.body = nextBody();
                return req;
              },
            }
          : spec.body !== undefined
            ? { body: spec.body }
            : {}),
      },
    ],
  };
  const latencies = new Latencies();
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const perSecond: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      lastAnswer = process.hrtime.bigint();
      if (statusCode >= 200 && statusCode < 300) {
        latencies.push(responseTime);
        const second = Number((lastAnswer - started) / 1_000_000_000n);
        perSecond[second] = (perSecond[second] ?? 0) + 1;
      }
    });
  });
  // From the first request to the last answer: not to autocannon's next sample tick after it.
  const durationS = Number(lastAnswer - started) / 1e9;
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number((v as { count: number }).count);
  const ok = Object.entries(statusCodes).reduce((n, [code, c]) => (code.startsWith('2') ? n + c : n), 0);
  const s = latencies.summary();
  return {
    ok,
    durationS,
    requestsPerSec: durationS > 0 ? ok / durationS : 0,
    p50Ms: s.p50,
    p99Ms: s.p99,
    meanMs: s.mean,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    perSecond: Array.from(perSecond, (n) => n ?? 0),
  };
}

/**
 * Send one request of the row with fetch and insist on a 2xx: a row whose requests fail would
 * otherwise measure how fast the service says no. Returns the seconds it took (a crude rate
 * estimate when a warm-up gets no answer in time).
 */
export async function probe(spec: Pick<LoadSpec, 'url' | 'method' | 'headers' | 'body' | 'nextBody'>): Promise<number> {
  const t0 = performance.now();
  const body = spec.nextBody ? spec.nextBody() : spec.body;
  const res = await fetch(spec.url, {
    method: spec.method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...spec.headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${spec.method} ${new URL(spec.url).pathname} answered ${res.status}: ${text.slice(0, 300)}`);
  }
  return (performance.now() - t0) / 1000;
}

/**
 * Warm the load generator itself (autocannon's request building and response parsing get
 * JIT-compiled) against a trivial server in this process, so the first row is not measured with
 * a cold client.
 */
export async function warmUpLoadGenerator(seconds: number): Promise<void> {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/`;
  try {
    let n = 0;
    await runLoad({ url, method: 'GET', connections: 10, durationS: seconds / 2 });
    await runLoad({ url, method: 'POST', connections: 10, durationS: seconds / 2, nextBody: () => `{"n":${n++}}` });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
