/**
 * Builds the dashboard's KPI snapshot (server/api/kpi.ts) for a window: request figures with exact-enough
 * percentiles from the live windows, registry figures (caches, LLM, connections), resources. Owns the
 * streams (kpi-streams.ts), the rollup writer and the resource sampler: `close()` ends streams' timers,
 * stops the sampler and writes the rollups a last time (await it before the store closes).
 */
import type { KpiSnapshot, KpiWindow } from '../api/kpi.js';
import type { RegistryWindows } from '../metrics/live-registry.js';
import { WINDOW_MS, type LiveWindows, type WindowFigures } from '../metrics/live-windows.js';
import type { ResourceFigures, ResourceSampler } from '../metrics/resources.js';
import { cacheFigures, connectionFigures, llmFigures } from './registry-figures.js';
import type { KpiRollups } from './kpi-rollups.js';
import { KpiStreams } from './kpi-streams.js';

/** Upper bounds (ms) of the snapshot's latency histogram: those of `jan_request_duration_seconds`. */
export const LATENCY_BOUNDS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

export interface KpiServiceOptions {
  live: LiveWindows;
  registry: RegistryWindows;
  resources: ResourceSampler;
  rollups: KpiRollups;
  /** Ids of the models in memory now. */
  loadedModels?: () => Promise<string[]> | string[];
  streamIntervalMs?: number;
}

/** The API's latency summary of a window's figures. */
export function latencySummary(f: WindowFigures) {
  return {
    count: f.count, rps: f.rps, p50_ms: f.p50Ms, p95_ms: f.p95Ms, p99_ms: f.p99Ms, mean_ms: f.meanMs, max_ms: f.maxMs,
    errors_4xx: f.errors4xx, errors_5xx: f.errors5xx,
  };
}

function resourcesOf(r: ResourceFigures): KpiSnapshot['resources'] {
  return {
    cpu_percent: r.cpuPercent, cpu_count: r.cpuCount, load_average_1m: r.loadAverage1m,
    memory_rss_bytes: r.memoryRssBytes, memory_total_bytes: r.memoryTotalBytes, memory_free_bytes: r.memoryFreeBytes,
    heap_used_bytes: r.heapUsedBytes, event_loop_delay_p99_ms: r.eventLoopDelayP99Ms,
    disk_free_bytes: r.diskFreeBytes, disk_total_bytes: r.diskTotalBytes,
    network_rx_bytes_per_second: r.networkRxBytesPerSecond, network_tx_bytes_per_second: r.networkTxBytesPerSecond,
    accept_backlog: r.acceptBacklog,
  };
}

export class KpiService {
  readonly streams: KpiStreams;
  private readonly registrySampler: NodeJS.Timeout;

  constructor(private readonly options: KpiServiceOptions) {
    this.streams = new KpiStreams((window) => this.snapshot(window), { intervalMs: options.streamIntervalMs });
    // Counter windows need samples even while no dashboard is open (see live-registry.ts).
    this.registrySampler = setInterval(() => void options.registry.sample(), 5_000);
    this.registrySampler.unref();
  }

  async snapshot(window: KpiWindow): Promise<KpiSnapshot> {
    const { live, registry } = this.options;
    const windowMs = WINDOW_MS[window];
    const at = live.now();
    const totals = live.requestTotals(window, LATENCY_BOUNDS_MS);
    const routes = live.routeFigures(window);
    const queries = live.queryTotals(window);
    const [resources, connections, caches, models] = await Promise.all([
      this.options.resources.sample(),
      connectionFigures(registry),
      cacheFigures(registry, windowMs),
      Promise.resolve(this.options.loadedModels?.() ?? []),
    ]);
    const llm = await llmFigures(registry, windowMs, [...models].sort());
    return {
      at,
      window,
      uptime_seconds: Math.max(0, (at - live.startedAt) / 1000),
      totals: {
        ...latencySummary(totals),
        availability: totals.count > 0 ? 1 - totals.errors5xx / totals.count : null,
        error_rate: totals.count > 0 ? totals.errors5xx / totals.count : null,
      },
      routes: routes.map((r) => ({ method: r.method, route: r.route, ...latencySummary(r) })),
      status_codes: totals.statuses,
      latency_histogram: { le_ms: [...LATENCY_BOUNDS_MS, null], counts: totals.buckets },
      connections: { active: connections.active, in_flight: connections.inFlight },
      caches,
      llm,
      database: {
        query_p50_ms: queries.p50Ms, query_p95_ms: queries.p95Ms, query_p99_ms: queries.p99Ms,
        queries_per_second: queries.rps,
        connections_active: connections.dbActive, connections_idle: connections.dbIdle,
        size_bytes: resources.databaseSizeBytes,
        slow_queries: live.slowQueries(window).map((q) => ({ operation: q.operation, ms: q.ms, at: q.at })),
      },
      resources: resourcesOf(resources),
    };
  }

  /** Ends the streams first so that the HTTP server can drain (start-server calls it when shutdown begins). */
  endStreams(): void {
    this.streams.closeAll();
  }

  /** Stops the timers, writes the rollups a last time, stops the resource sampler. Await it before the store closes. */
  async close(): Promise<void> {
    this.streams.closeAll();
    clearInterval(this.registrySampler);
    this.options.resources.close();
    await this.options.rollups.close();
  }
}
