/**
 * The dashboard's live figures: per-route request latency, status codes and errors, and database operation
 * times over sliding windows (1 min, 5 min, 1 h) with HDR-histogram percentiles (see live-series.ts), plus
 * the per-hour figures the rollups persist. Fed from the request-metrics middleware and the store's query
 * observer — the same places that feed the prom-client registry.
 *
 * Not thread-safe, no timers: time comes from the injected `now()` on every call. Route templates and
 * operation names are bounded sets, so the number of series is too; a series idle for 2 hours is dropped.
 */
import { bucketCounts, percentilesMicros, toMicros, toSparse, type SparseCounts } from './live-histogram.js';
import { Accumulator, LatencySeries, type SlotStats, type WindowName } from './live-series.js';

export type { WindowName } from './live-series.js';

/** A query at least this slow is listed as a slow query (the guide's "simple SELECT" tops out at 50 ms). */
export const SLOW_QUERY_MS = 50;
const SLOW_QUERIES_KEPT = 50;
/** Route key of the all-requests series in rollups. */
export const ALL_ROUTES = '*';

export interface LiveWindowsOptions {
  /** Unix milliseconds (injected in tests). */
  now?: () => number;
  slowQueryMs?: number;
  /**
   * Routes left out of the all-request totals (and the `*` rollups), still listed per route. Default: the
   * dashboard's own `/v1/admin/…` requests, so that watching (a stream held open for minutes) does not
   * show up as traffic or latency.
   */
  excludeFromTotals?: (route: string) => boolean;
}

const ownTraffic = (route: string) => route.startsWith('/v1/admin/');

export interface WindowFigures {
  count: number;
  /** Requests per second over the window (or over the uptime when that is shorter). */
  rps: number;
  /** Most requests in any single second of the window. */
  peakRps: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  meanMs: number | null;
  maxMs: number | null;
  errors4xx: number;
  errors5xx: number;
}

export interface RouteFigures extends WindowFigures {
  method: string;
  route: string;
}

export interface TotalFigures extends WindowFigures {
  statuses: Record<string, number>;
  /** Counts per `boundsMs` bucket, plus a last +Inf bucket. */
  buckets: number[];
}

export interface SlowQuery {
  operation: string;
  ms: number;
  at: number;
}

/** What one route (or all of them, route `*`) did in one clock hour, for the rollups. */
export interface HourFigures {
  method: string;
  route: string;
  stats: SlotStats;
  counts: SparseCounts;
}

const NO_FIGURES: WindowFigures = {
  count: 0, rps: 0, peakRps: 0, p50Ms: null, p95Ms: null, p99Ms: null, meanMs: null, maxMs: null, errors4xx: 0, errors5xx: 0,
};

export const WINDOW_MS: Record<WindowName, number> = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000 };

interface RouteSeries {
  method: string;
  route: string;
  series: LatencySeries;
}

export class LiveWindows {
  readonly now: () => number;
  readonly startedAt: number;
  private readonly slowQueryMs: number;
  private readonly excluded: (route: string) => boolean;
  private readonly routes = new Map<string, RouteSeries>();
  private readonly allRequests: LatencySeries;
  private readonly operations = new Map<string, LatencySeries>();
  private readonly allQueries: LatencySeries;
  private readonly slow: SlowQuery[] = [];
  private readonly scratch = new Accumulator();

  constructor(options: LiveWindowsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.slowQueryMs = options.slowQueryMs ?? SLOW_QUERY_MS;
    this.excluded = options.excludeFromTotals ?? ownTraffic;
    this.startedAt = this.now();
    this.allRequests = new LatencySeries(this.startedAt);
    this.allQueries = new LatencySeries(this.startedAt);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const now = this.now();
    const key = `${method} ${route}`;
    let entry = this.routes.get(key);
    if (!entry) this.routes.set(key, (entry = { method, route, series: new LatencySeries(now) }));
    const micros = toMicros(seconds);
    entry.series.record(micros, status, now);
    if (!this.excluded(route)) this.allRequests.record(micros, status, now);
  }

  observeQuery(operation: string, seconds: number): void {
    const now = this.now();
    let series = this.operations.get(operation);
    if (!series) this.operations.set(operation, (series = new LatencySeries(now)));
    const micros = toMicros(seconds);
    series.record(micros, 0, now);
    this.allQueries.record(micros, 0, now);
    if (seconds * 1000 >= this.slowQueryMs) {
      this.slow.push({ operation, ms: seconds * 1000, at: now });
      if (this.slow.length > SLOW_QUERIES_KEPT) this.slow.shift();
    }
  }

  /** All requests of the window (but the excluded routes), with status codes and a latency histogram over `boundsMs`. */
  requestTotals(window: WindowName, boundsMs: readonly number[]): TotalFigures {
    const figures = this.figures(this.allRequests, window);
    const statuses: Record<string, number> = {};
    for (const [status, n] of [...this.scratch.stats.statuses].sort(([a], [b]) => a - b)) statuses[String(status)] = n;
    return { ...figures, statuses, buckets: bucketCounts(this.scratch.histogram, boundsMs.map((ms) => ms * 1000)) };
  }

  /** Every route with requests in the window, busiest first. */
  routeFigures(window: WindowName): RouteFigures[] {
    this.prune();
    const out: RouteFigures[] = [];
    for (const { method, route, series } of this.routes.values()) {
      const figures = this.figures(series, window);
      if (figures.count > 0) out.push({ method, route, ...figures });
    }
    return out.sort((a, b) => b.count - a.count || a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
  }

  /** One route's figures (zero counts when it had no requests). */
  routeWindow(method: string, route: string, window: WindowName): WindowFigures {
    const entry = this.routes.get(`${method} ${route}`);
    return entry ? this.figures(entry.series, window) : { ...NO_FIGURES };
  }

  queryTotals(window: WindowName): WindowFigures {
    return this.figures(this.allQueries, window);
  }

  /** Slow queries of the window, newest first. */
  slowQueries(window: WindowName, limit = 20): SlowQuery[] {
    const since = this.now() - WINDOW_MS[window];
    return this.slow.filter((q) => q.at > since).reverse().slice(0, limit);
  }

  /** Per route and for all requests (route `*`), what was observed in the clock hour still kept. */
  hourFigures(hourStartMs: number): HourFigures[] {
    const now = this.now();
    const out: HourFigures[] = [];
    const add = (method: string, route: string, series: LatencySeries) => {
      const stats = series.readHour(hourStartMs, now, this.scratch);
      if (stats.count > 0) out.push({ method, route, stats: { ...stats, statuses: new Map(stats.statuses) }, counts: toSparse(this.scratch.histogram) });
    };
    add(ALL_ROUTES, ALL_ROUTES, this.allRequests);
    for (const { method, route, series } of this.routes.values()) add(method, route, series);
    return out;
  }

  private figures(series: LatencySeries, window: WindowName): WindowFigures {
    const now = this.now();
    const { stats, spanMs } = series.read(window, now, this.scratch);
    const seconds = Math.max(1, Math.min(spanMs, now - this.startedAt) / 1000);
    const [p50, p95, p99] = percentilesMicros(this.scratch.histogram, [50, 95, 99]);
    const ms = (micros: number | null | undefined) => (micros == null ? null : micros / 1000);
    return {
      count: stats.count,
      rps: stats.count / seconds,
      peakRps: stats.peakPerSecond,
      p50Ms: ms(p50),
      p95Ms: ms(p95),
      p99Ms: ms(p99),
      meanMs: stats.count > 0 ? stats.sumMicros / stats.count / 1000 : null,
      maxMs: stats.count > 0 ? stats.maxMicros / 1000 : null,
      errors4xx: stats.errors4xx,
      errors5xx: stats.errors5xx,
    };
  }

  private prune(): void {
    const now = this.now();
    for (const [key, { series }] of this.routes) if (series.idleSince(now)) this.routes.delete(key);
    for (const [key, series] of this.operations) if (series.idleSince(now)) this.operations.delete(key);
  }
}
