/**
 * The registry's per-request metrics — `jan_requests_total`, `jan_request_duration_seconds`, `jan_errors_total`
 * and `jan_requests_in_flight` — kept as plain counts per route and read by the registry when it is scraped.
 *
 * Why not prom-client's Counter and Histogram: every `inc(labels)` / `observe(labels, v)` builds a label hash
 * string, checks the label names and (histograms) turns the bucket bound into an object key; together that
 * was a few µs of every request. Here a request costs two Map lookups (route, then method), a bucket search
 * and a few additions; the label objects are made once per route. The exported series are what prom-client
 * exported for the same observations (cumulative `_bucket` with `le`, `+Inf`, `_sum`, `_count`).
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

interface SeriesValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

interface RouteRecord {
  labels: { method: string; route: string };
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  buckets: Float64Array;
  sum: number;
  count: number;
  statuses: Map<number, number>;
}

/** What prom-client's registry reads from a metric: `get()` and `reset()` plus its name, help, type. */
class RegistryView {
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly read: () => SeriesValue[],
    readonly reset: () => void,
  ) {}

  get() {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: this.read(), aggregator: this.aggregator });
  }
}

export class RequestFigures {
  /** Requests being handled now (`jan_requests_in_flight`). */
  inFlight = 0;
  private readonly routes = new Map<string, Map<string, RouteRecord>>();
  private readonly errors = new Map<string, SeriesValue>();

  constructor(
    registers: readonly Registry[],
    /** Upper bounds (seconds) of the duration histogram, ascending. */
    private readonly bounds: readonly number[],
  ) {
    const views = [
      new RegistryView('jan_requests_total', 'HTTP requests answered, by route template.', 'counter', () => this.totals(), () => this.resetCounts()),
      new RegistryView('jan_request_duration_seconds', 'Time from request to the last byte of the response, by route template.', 'histogram',
        () => this.durations(), () => this.resetCounts()),
      new RegistryView('jan_errors_total', 'Requests answered with a 4xx or 5xx status, by error type.', 'counter',
        () => [...this.errors.values()].map((v) => ({ ...v })), () => this.errors.clear()),
      new RegistryView('jan_requests_in_flight', 'Requests being handled now.', 'gauge', () => [{ labels: {}, value: this.inFlight }], () => undefined),
    ];
    for (const registry of registers) for (const view of views) registry.registerMetric(view as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** One answered request; `errorType` for a 4xx or 5xx (counted in `jan_errors_total`). */
  record(method: string, route: string, status: number, seconds: number, errorType?: string): void {
    let byMethod = this.routes.get(route);
    if (!byMethod) this.routes.set(route, (byMethod = new Map()));
    let record = byMethod.get(method);
    if (!record) {
      record = { labels: { method, route }, buckets: new Float64Array(this.bounds.length + 1), sum: 0, count: 0, statuses: new Map() };
      byMethod.set(method, record);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++;
    record.buckets[bucket]! += 1;
    record.sum += seconds;
    record.count += 1;
    record.statuses.set(status, (record.statuses.get(status) ?? 0) + 1);
    if (errorType === undefined) return;
    const key = `${route}\u0000${status}\u0000${errorType}`;
    const error = this.errors.get(key);
    if (error) error.value += 1;
    else this.errors.set(key, { labels: { route, status: String(status), type: errorType }, value: 1 });
  }

  private *records(): Iterable<RouteRecord> {
    for (const byMethod of this.routes.values()) yield* byMethod.values();
  }

  private totals(): SeriesValue[] {
    const out: SeriesValue[] = [];
    for (const { labels, statuses } of this.records()) {
      for (const [status, value] of statuses) out.push({ labels: { ...labels, status: String(status) }, value });
    }
    return out;
  }

  private durations(): SeriesValue[] {
    const name = 'jan_request_duration_seconds';
    const out: SeriesValue[] = [];
    for (const { labels, buckets, sum, count } of this.records()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += buckets[i]!;
        out.push({ labels: { ...labels, le }, value: cumulative, metricName: `${name}_bucket` });
      });
      out.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${name}_bucket` });
      out.push({ labels: { ...labels }, value: sum, metricName: `${name}_sum` });
      out.push({ labels: { ...labels }, value: count, metricName: `${name}_count` });
    }
    return out;
  }

  private resetCounts(): void {
    this.routes.clear();
  }
}
