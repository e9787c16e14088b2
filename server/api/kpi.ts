/**
 * The live KPI snapshot the dashboard receives once a second over SSE (`GET /v1/admin/metrics/stream`) and on
 * demand (`GET /v1/admin/metrics/snapshot`). Percentiles are exact over sliding windows (not averages);
 * figures that a part of the server does not produce yet are null, never made up.
 */
import { z } from 'zod';

export const KpiWindow = z.enum(['1m', '5m', '1h']);
export type KpiWindow = z.infer<typeof KpiWindow>;

const ms = z.number().nonnegative();
const ratio = z.number().min(0).max(1);

export const LatencySummary = z.object({
  count: z.number().int().nonnegative(),
  rps: z.number().nonnegative(),
  p50_ms: ms.nullable(),
  p95_ms: ms.nullable(),
  p99_ms: ms.nullable(),
  mean_ms: ms.nullable(),
  max_ms: ms.nullable(),
  errors_4xx: z.number().int().nonnegative(),
  errors_5xx: z.number().int().nonnegative(),
});

export const RouteKpi = LatencySummary.extend({
  method: z.string(),
  /** Route template, e.g. `/v1/conversations/:id`. */
  route: z.string(),
});

export const CacheKpi = z.object({
  /** `http` (response cache), `prompt` (KV reuse), `ocr`, `analysis`. */
  cache: z.string(),
  hit_ratio: ratio.nullable(),
  hits: z.number().nonnegative(),
  misses: z.number().nonnegative(),
  evictions: z.number().nonnegative(),
});

export const KpiSnapshot = z.object({
  /** Unix milliseconds when the snapshot was taken. */
  at: z.number().int(),
  window: KpiWindow,
  uptime_seconds: z.number().nonnegative(),
  /** All requests but the dashboard's own (`/v1/admin/…`, listed in `routes` nevertheless). */
  totals: LatencySummary.extend({
    /** Share of requests in the window that were not 5xx. */
    availability: ratio.nullable(),
    /** Share of requests in the window answered with a 5xx (the guide's "error rate"; 4xx are counted apart). */
    error_rate: ratio.nullable(),
  }),
  routes: z.array(RouteKpi),
  status_codes: z.record(z.string(), z.number().int().nonnegative()),
  /** Request-duration histogram of the window: counts per bucket, `le_ms` upper bounds (last is +Inf as null). */
  latency_histogram: z.object({ le_ms: z.array(ms.nullable()), counts: z.array(z.number().int().nonnegative()) }),
  connections: z.object({ active: z.number().int().nonnegative(), in_flight: z.number().int().nonnegative() }),
  caches: z.array(CacheKpi),
  llm: z.object({
    ttft_p50_ms: ms.nullable(),
    ttft_p95_ms: ms.nullable(),
    /** Mean generation speed of the window's requests (after their first token). */
    tokens_per_second: z.number().nonnegative().nullable(),
    /** Tokens generated per second by the whole server over the window (throughput). */
    generated_tokens_per_second: z.number().nonnegative().nullable(),
    active_streams: z.number().int().nonnegative(),
    queue_depth: z.number().int().nonnegative(),
    loaded_models: z.array(z.string()),
  }),
  database: z.object({
    query_p50_ms: ms.nullable(),
    query_p95_ms: ms.nullable(),
    query_p99_ms: ms.nullable(),
    queries_per_second: z.number().nonnegative(),
    connections_active: z.number().int().nonnegative(),
    connections_idle: z.number().int().nonnegative(),
    size_bytes: z.number().int().nonnegative().nullable(),
    slow_queries: z.array(z.object({ operation: z.string(), ms, at: z.number().int() })),
  }),
  resources: z.object({
    /** This process's CPU time as a share of all cores (100 = every core busy). */
    cpu_percent: z.number().nonnegative().nullable(),
    cpu_count: z.number().int().positive(),
    /** The system's 1-minute load average (null on Windows); compare with cpu_count. */
    load_average_1m: z.number().nonnegative().nullable(),
    memory_rss_bytes: z.number().int().nonnegative(),
    memory_total_bytes: z.number().int().nonnegative(),
    memory_free_bytes: z.number().int().nonnegative(),
    heap_used_bytes: z.number().int().nonnegative(),
    event_loop_delay_p99_ms: ms.nullable(),
    disk_free_bytes: z.number().int().nonnegative().nullable(),
    disk_total_bytes: z.number().int().nonnegative().nullable(),
    network_rx_bytes_per_second: z.number().nonnegative().nullable(),
    network_tx_bytes_per_second: z.number().nonnegative().nullable(),
    /** Connections waiting in the kernel to be accepted (Linux); their wait comes before any request timing. */
    accept_backlog: z.number().int().nonnegative().nullable(),
  }),
});
export type KpiSnapshot = z.infer<typeof KpiSnapshot>;

/** One endpoint of the guide with its targets and live figures, for the SLA page. */
export const SlaEndpoint = z.object({
  method: z.string(),
  route: z.string(),
  label: z.string(),
  target: z.object({
    p50_ms: ms, p95_ms: ms, p99_ms: ms,
    rps_min: z.number().nonnegative().nullable(), rps_max: z.number().nonnegative().nullable(),
  }),
  live: LatencySummary.nullable(),
  /** `ok` all percentiles within target; `warn` p95 or p99 over; `breach` p50 over; `idle` no traffic. */
  state: z.enum(['ok', 'warn', 'breach', 'idle']),
});

export const SlaReport = z.object({
  window: KpiWindow,
  endpoints: z.array(SlaEndpoint),
  /**
   * The guide's monthly availability target (0.995) and what this calendar month (local time) achieved so
   * far, from both sides: the share of time the server was up (downtime seen through heartbeats kept in
   * SQLite; clean stops count as planned maintenance and are excluded) times the share of requests not
   * answered with a 5xx.
   */
  availability: z.object({
    target: ratio,
    /** `uptime.ratio × requests.ratio` (either alone when the other is unknown); null when both are. */
    month_to_date: ratio.nullable(),
    /**
     * Share of the month's error budget (0.5 % unavailability) still unspent: 1 untouched, 0 used up,
     * negative overspent; null when `month_to_date` is.
     */
    error_budget_remaining: z.number().nullable(),
    uptime: z.object({
      ratio: ratio.nullable(),
      observed_seconds: z.number().int().nonnegative(),
      downtime_seconds: z.number().int().nonnegative(),
      maintenance_seconds: z.number().int().nonnegative(),
      /** Unplanned gaps (crashes, power loss, a killed process). */
      incidents: z.number().int().nonnegative(),
    }),
    requests: z.object({
      ratio: ratio.nullable(),
      count: z.number().int().nonnegative(),
      errors_5xx: z.number().int().nonnegative(),
    }),
  }),
  /**
   * From the hourly rollups kept in SQLite: the last 30 days with traffic (local calendar days, `YYYY-MM-DD`),
   * oldest first, with the most requests answered in any one second.
   */
  daily_peak_rps: z.array(z.object({ day: z.string(), peak_rps: z.number().nonnegative() })),
  /** The slowest routes of the last 24 hours by p95 (merged hourly histograms), slowest first, at most 5. */
  top_slow_endpoints: z.array(z.object({ method: z.string(), route: z.string(), p95_ms: ms, requests: z.number().int() })),
});
export type SlaReport = z.infer<typeof SlaReport>;

/** `?window=` of the snapshot, stream and SLA endpoints. */
export const KpiWindowQuery = z.object({ window: KpiWindow.default('1m') });

/** `?hours=` of the history endpoint: the last N clock hours, the current one included (up to 31 days). */
export const MetricsHistoryQuery = z.object({ hours: z.coerce.number().int().min(1).max(744).default(24) });

/** One clock hour of one route from the rollups kept in SQLite; method and route `*` are all requests. */
export const MetricsHistoryRow = z.object({
  /** Unix milliseconds of the hour's start (UTC hours). */
  hour_start: z.number().int(),
  method: z.string(),
  route: z.string(),
  count: z.number().int().nonnegative(),
  errors_4xx: z.number().int().nonnegative(),
  errors_5xx: z.number().int().nonnegative(),
  mean_ms: ms.nullable(),
  max_ms: ms.nullable(),
  p50_ms: ms.nullable(),
  p95_ms: ms.nullable(),
  p99_ms: ms.nullable(),
  /** Most requests in any one second of the hour. */
  peak_rps: z.number().nonnegative(),
});

export const MetricsHistory = z.object({
  hours: z.number().int().positive(),
  rows: z.array(MetricsHistoryRow),
});
export type MetricsHistory = z.infer<typeof MetricsHistory>;
