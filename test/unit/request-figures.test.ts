/**
 * RequestFigures exports what prom-client's Counter and Histogram exported for the same requests (it replaced
 * them on the hot path): the same series, labels and values for jan_requests_total, jan_request_duration_seconds
 * (cumulative buckets, +Inf, _sum, _count; a value on a bound counts in that bucket, one above every bound only
 * in +Inf) and jan_errors_total (methods of one route merged), and the in-flight gauge.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestFigures } from '../../server/metrics/request-figures.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];

interface Row {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function rows(registry: Registry): Promise<Row[]> {
  const out: Row[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const v of metric.values) {
      const labels = Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
      out.push({ name: (v as { metricName?: string }).metricName ?? metric.name, labels, value: v.value });
    }
  }
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const REQUESTS: [method: string, route: string, status: number, seconds: number, errorType?: string][] = [
  ['GET', '/v1/health', 200, 0.0004],
  ['GET', '/v1/health', 200, 0.001], // on a bound
  ['GET', '/v1/health', 503, 0.05, 'service_unavailable_error'],
  ['POST', '/v1/conversations', 201, 2.5], // above every bound
  ['GET', '/v1/conversations/:id', 404, 0.002, 'not_found_error'],
  ['DELETE', '/v1/conversations/:id', 404, 0.003, 'not_found_error'],
  ['POST', 'unmatched', 404, 0.0001, 'not_found_error'],
];

describe('RequestFigures', () => {
  it('exports the series prom-client exported for the same requests', async () => {
    const ours = new Registry();
    const figures = new RequestFigures([ours], BOUNDS);
    const theirs = new Registry();
    const registers = [theirs];
    const total = new Counter({ name: 'jan_requests_total', help: 'x', labelNames: ['method', 'route', 'status'], registers });
    const duration = new Histogram({ name: 'jan_request_duration_seconds', help: 'x', labelNames: ['method', 'route'], buckets: BOUNDS, registers });
    const errors = new Counter({ name: 'jan_errors_total', help: 'x', labelNames: ['route', 'status', 'type'], registers });
    for (const [method, route, status, seconds, errorType] of REQUESTS) {
      figures.record(method, route, status, seconds, errorType);
      total.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
      if (errorType) errors.inc({ route, status: String(status), type: errorType });
    }
    const exported = (await rows(ours)).filter((r) => r.name !== 'jan_requests_in_flight');
    expect(exported).toEqual(await rows(theirs));
    expect(exported.find((r) => r.name === 'jan_errors_total' && r.labels.route === '/v1/conversations/:id')?.value).toBe(2);
  });

  it('reports requests in flight as a gauge, and the text format names every series', async () => {
    const registry = new Registry();
    const figures = new RequestFigures([registry], BOUNDS);
    figures.inFlight += 2;
    figures.record('GET', '/healthz', 200, 0.0002);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE jan_requests_in_flight gauge');
    expect(text).toContain('jan_requests_in_flight 2');
    expect(text).toContain('# TYPE jan_request_duration_seconds histogram');
    expect(text).toMatch(/jan_request_duration_seconds_bucket\{[^}]*le="0\.001"[^}]*\} 1/);
    expect(text).toMatch(/jan_requests_total\{[^}]*status="200"[^}]*\} 1/);
  });

  it('starts over when the registry is reset', async () => {
    const registry = new Registry();
    const figures = new RequestFigures([registry], BOUNDS);
    figures.record('GET', '/healthz', 500, 0.0002, 'server_error');
    registry.resetMetrics();
    expect((await rows(registry)).filter((r) => r.name !== 'jan_requests_in_flight')).toEqual([]);
  });
});
