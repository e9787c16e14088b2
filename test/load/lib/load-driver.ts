/**
 * Drives one endpoint with autocannon (closed loop: each connection sends its next request when the answer
 * arrives) and measures it. autocannon has no p95, so every response time goes into our own HDR histogram
 * (microseconds, 3 significant digits: each percentile is exact to 0.1 %).
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import * as hdr from 'hdr-histogram-js';

/** What a scenario sends next: a path and, for writes, a JSON body. */
export interface NextRequest {
  path: string;
  body?: string;
}

export interface Scenario {
  /** Display name, e.g. `GET /v1/conversations/{id}`. */
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Our route template, to look up the guide's targets (`/v1/conversations/:id`). */
  route: string;
  /** A fixed path, or a function called for every request. */
  next: string | (() => NextRequest);
}

export interface RunOptions {
  url: string;
  connections: number;
  durationSec: number;
  headers: Record<string, string>;
  /** Ends the run early (Ctrl-C); what was measured so far is returned. */
  signal?: AbortSignal;
}

export interface Measurement {
  responses: number;
  elapsedSec: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** Responses by status code. */
  statuses: Record<string, number>;
  non2xx: number;
  /** Requests that got no response: socket errors and timeouts (the latter also counted in `timeouts`). */
  errors: number;
  timeouts: number;
  /** Up to three bodies of non-2xx responses, to say what went wrong. */
  errorSamples: string[];
}

function toRequest(scenario: Scenario, onNon2xx: (status: number, body: string) => void): AutocannonRequest {
  const onResponse = (status: number, body: string) => {
    if (status < 200 || status > 299) onNon2xx(status, body);
  };
  const { next } = scenario;
  if (typeof next === 'string') return { method: scenario.method, path: next, onResponse };
  return {
    method: scenario.method,
    onResponse,
    setupRequest: (request) => {
      const { path, body } = next();
      return { ...request, path, body: body ?? '' };
    },
  };
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<Measurement> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let responses = 0;
  let non2xx = 0;
  let errors = 0;
  const request = toRequest(scenario, (status, body) => {
    if (errorSamples.length < 3) errorSamples.push(`${status} ${body.slice(0, 300)}`);
  });
  const started = performance.now();
  const result = await new Promise<{ timeouts: number }>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSec,
        timeout: 30,
        headers: options.headers,
        requests: [request],
      },
      (error, done) => (error ? reject(error) : resolve({ timeouts: done.timeouts })),
    );
    const stop = () => instance.stop();
    options.signal?.addEventListener('abort', stop, { once: true });
    instance.once('done', () => options.signal?.removeEventListener('abort', stop));
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      responses++;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode < 200 || statusCode > 299) non2xx++;
      histogram.recordValue(Math.max(1, Math.round(responseTimeMs * 1000)));
    });
    instance.on('reqError', () => errors++);
  });
  const elapsedSec = (performance.now() - started) / 1000;
  const at = (percentile: number) => histogram.getValueAtPercentile(percentile) / 1000;
  const measurement: Measurement = {
    responses,
    elapsedSec,
    rps: responses / elapsedSec,
    latencyMs: { mean: histogram.mean / 1000, p50: at(50), p95: at(95), p99: at(99), max: histogram.maxValue / 1000 },
    statuses,
    non2xx,
    errors,
    timeouts: result.timeouts,
    errorSamples,
  };
  histogram.destroy();
  return measurement;
}
