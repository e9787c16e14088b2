/**
 * What a typical k6 script for this API does, with autocannon (k6 is not installable here): virtual users ramping
 * over stages (k6's `stages: [{ duration, target }]`), each looping over a mix of list / get / create
 * conversation with no think time, and k6-style thresholds `http_req_duration p(95)<50` and
 * `http_req_failed rate<0.001`. A ramp is run as one-second steps, each an autocannon run with that step's
 * number of connections (= virtual users); every response time of every step goes into one HDR histogram, so
 * the percentiles are over the whole run as k6's are.
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import * as hdr from 'hdr-histogram-js';

export interface Stage {
  durationSec: number;
  /** Virtual users at the end of the stage (ramped linearly from the previous stage's target). */
  target: number;
}

/** A usual k6 shape: ramp up, hold, ramp down. */
export const STAGES: Stage[] = [{ durationSec: 10, target: 50 }, { durationSec: 20, target: 100 }, { durationSec: 5, target: 0 }];
export const QUICK_STAGES: Stage[] = [{ durationSec: 2, target: 50 }, { durationSec: 4, target: 100 }, { durationSec: 1, target: 0 }];

/** The script's request mix, as shares that sum to 1. */
export const MIX = { list: 0.6, get: 0.3, create: 0.1 } as const;

export const THRESHOLDS = { p95Ms: 50, errorRate: 0.001 } as const;

export interface K6Result {
  stages: Stage[];
  /** Virtual users of each one-second step. */
  steps: number[];
  requests: number;
  /** Requests built of each kind; a few more than answered (autocannon builds the next one before a step ends). */
  byKind: Record<keyof typeof MIX, number>;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  /** Requests without an answer (socket errors, timeouts). */
  socketErrors: number;
  errorRate: number;
  thresholds: { name: string; ok: boolean; value: string }[];
  load: [number, number];
}

/** Virtual users per one-second step: each stage ramps linearly from the previous target; at least 1. */
export function rampSteps(stages: Stage[]): number[] {
  const steps: number[] = [];
  let from = 0;
  for (const stage of stages) {
    const count = Math.max(1, Math.round(stage.durationSec));
    for (let i = 1; i <= count; i++) steps.push(Math.max(1, Math.round(from + ((stage.target - from) * i) / count)));
    from = stage.target;
  }
  return steps;
}

/** A small seeded generator (mulberry32), so two runs send the same mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface K6Options {
  url: string;
  key: string;
  /** Conversation ids to GET. */
  conversationIds: string[];
  stages: Stage[];
  loadNow: () => number;
  signal?: AbortSignal;
}

export async function runK6Like(options: K6Options): Promise<K6Result> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const next = random(42);
  const byKind = { list: 0, get: 0, create: 0 };
  let counter = 0;
  // Fresh headers for every request: autocannon writes a POST's Content-Length into the headers object it was
  // given, and a GET built from the same object would then announce a body it does not send (the server or
  // haproxy reads the next request as that body and answers 400).
  const get = () => ({ authorization: `Bearer ${options.key}` });
  const post = () => ({ authorization: `Bearer ${options.key}`, 'content-type': 'application/json' });
  const request: AutocannonRequest = {
    setupRequest: (base) => {
      const r = next();
      if (r < MIX.list || options.conversationIds.length === 0) {
        byKind.list++;
        return { ...base, method: 'GET', path: '/v1/conversations?limit=20', headers: get(), body: undefined };
      }
      if (r < MIX.list + MIX.get) {
        byKind.get++;
        return { ...base, method: 'GET', path: `/v1/conversations/${options.conversationIds[Math.floor(next() * options.conversationIds.length)]}`, headers: get(), body: undefined };
      }
      byKind.create++;
      return { ...base, method: 'POST', path: '/v1/conversations', headers: post(), body: JSON.stringify({ title: `k6-like ${++counter}`, metadata: { source: 'guide-bench' } }) };
    },
  };
  const steps = rampSteps(options.stages);
  let responses = 0;
  let non2xx = 0;
  let socketErrors = 0;
  const before = options.loadNow();
  const started = performance.now();
  for (const connections of steps) {
    if (options.signal?.aborted) break;
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon({ url: options.url, connections, duration: 1, timeout: 30, requests: [request], skipAggregateResult: true }, (error) =>
        error ? reject(error) : resolve(),
      );
      const stop = () => instance.stop();
      options.signal?.addEventListener('abort', stop, { once: true });
      instance.once('done', () => options.signal?.removeEventListener('abort', stop));
      instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
        responses++;
        if (statusCode < 200 || statusCode > 299) non2xx++;
        histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
      });
      instance.on('reqError', () => socketErrors++);
    });
  }
  const elapsedSec = (performance.now() - started) / 1000;
  const at = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  const latencyMs = { p50: at(50), p95: at(95), p99: at(99), max: histogram.maxValue / 1000 };
  histogram.destroy();
  const requests = responses + socketErrors;
  const errorRate = requests === 0 ? 1 : (non2xx + socketErrors) / requests;
  return {
    stages: options.stages,
    steps,
    requests,
    byKind,
    rps: responses / elapsedSec,
    latencyMs,
    non2xx,
    socketErrors,
    errorRate,
    thresholds: [
      { name: `http_req_duration p(95)<${THRESHOLDS.p95Ms}`, ok: latencyMs.p95 < THRESHOLDS.p95Ms, value: `p(95)=${latencyMs.p95.toFixed(2)}ms` },
      { name: `http_req_failed rate<${THRESHOLDS.errorRate}`, ok: errorRate < THRESHOLDS.errorRate, value: `rate=${(errorRate * 100).toFixed(3)}%` },
    ],
    load: [before, options.loadNow()],
  };
}
