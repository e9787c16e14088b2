/**
 * The SLA page and the history: the guide's targets (metrics/sla-targets.ts) beside the live windows, the
 * month's availability and error budget, daily peak RPS and the slowest routes from the hourly rollups
 * (stored hours plus the current one from memory).
 */
import type { MetricsHistory, SlaReport } from '../api/kpi.js';
import { Accumulator } from '../metrics/live-series.js';
import { ALL_ROUTES, type LiveWindows, type WindowName } from '../metrics/live-windows.js';
import { ENDPOINT_SLA_TARGETS, GLOBAL_SLA, type EndpointSlaTarget } from '../metrics/sla-targets.js';
import type { MetricsRollupsRepo } from '../store/metrics-rollups-repo.js';
import type { RepoApi } from '../store/store.js';
import { latencySummary } from './kpi-service.js';
import { fromRow, HOUR_MS, mergeRollups, mergeStoredRows, type HourRollup, type KpiRollups } from './kpi-rollups.js';
import type { UptimeRecorder } from './uptime-recorder.js';

const DAY_MS = 24 * HOUR_MS;
const PEAK_DAYS = 30;
const TOP_SLOW = 5;

/** `YYYY-MM-DD` of the local calendar day. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

type SlaState = SlaReport['endpoints'][number]['state'];

function stateOf(live: { count: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null }, target: EndpointSlaTarget): SlaState {
  const t = target.latencyMs!;
  if (live.count === 0) return 'idle';
  if ((live.p50Ms ?? 0) > t.p50) return 'breach';
  if ((live.p95Ms ?? 0) > t.p95 || (live.p99Ms ?? 0) > t.p99) return 'warn';
  return 'ok';
}

const isAll = (r: { method: string; route: string }) => r.method === ALL_ROUTES && r.route === ALL_ROUTES;

export class SlaService {
  private readonly scratch = new Accumulator();

  constructor(
    private readonly live: LiveWindows,
    private readonly rollups: KpiRollups,
    private readonly repo: RepoApi<MetricsRollupsRepo>,
    private readonly uptime: UptimeRecorder,
  ) {}

  async report(window: WindowName): Promise<SlaReport> {
    await this.rollups.settle();
    const current = await this.rollups.hourRollups(this.rollups.currentHour());
    const availability = await this.availability(current);
    const dailyPeaks = await this.dailyPeaks(current);
    const topSlow = await this.topSlow(current);
    return {
      window,
      // Rows without latency targets (streaming chat: time to first byte and total time) are not comparable here.
      endpoints: ENDPOINT_SLA_TARGETS.filter((t) => t.latencyMs).map((target) => {
        const figures = this.live.routeWindow(target.method, target.route, window);
        return {
          method: target.method, route: target.route, label: target.title,
          target: {
            p50_ms: target.latencyMs!.p50, p95_ms: target.latencyMs!.p95, p99_ms: target.latencyMs!.p99,
            rps_min: target.throughputRps.min, rps_max: target.throughputRps.max,
          },
          live: figures.count > 0 ? latencySummary(figures) : null,
          state: stateOf(figures, target),
        };
      }),
      availability,
      daily_peak_rps: dailyPeaks,
      top_slow_endpoints: topSlow,
    };
  }

  /** The last `hours` clock hours (the current one included), every route plus `*` for all requests. */
  async history(hours: number): Promise<MetricsHistory> {
    await this.rollups.settle();
    const currentHour = this.rollups.currentHour();
    // A row per instance (replicas on one database) is merged into one per hour and route.
    const stored = mergeStoredRows(await this.repo.between((currentHour - (hours - 1) * HOUR_MS) / 1000, currentHour / 1000), this.scratch);
    const rows = [...stored, ...(await this.rollups.hourRollups(currentHour))].map((r) => ({
      hour_start: r.hourStart, method: r.method, route: r.route, count: r.count, errors_4xx: r.errors4xx, errors_5xx: r.errors5xx,
      mean_ms: r.count > 0 ? r.sumMs / r.count : null, max_ms: r.count > 0 ? r.maxMs : null,
      p50_ms: r.p50Ms, p95_ms: r.p95Ms, p99_ms: r.p99Ms, peak_rps: r.peakRps,
    }));
    rows.sort((a, b) => a.hour_start - b.hour_start || a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
    return { hours, rows };
  }

  private async availability(current: HourRollup[]): Promise<SlaReport['availability']> {
    const now = this.live.now();
    const d = new Date(now);
    const monthStart = new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    const stored = await this.repo.totals(monthStart / 1000, this.rollups.currentHour() / 1000);
    const hour = current.find(isAll);
    const count = stored.count + (hour?.count ?? 0);
    const failed = stored.errors_5xx + (hour?.errors5xx ?? 0);
    const requestRatio = count > 0 ? 1 - failed / count : null;
    const uptime = await this.uptime.summary(monthStart);
    // Independent ways to fail: down (no answer at all) or up and answering 5xx.
    const parts = [uptime.ratio, requestRatio].filter((r): r is number => r !== null);
    const monthToDate = parts.length > 0 ? parts.reduce((a, b) => a * b, 1) : null;
    const budget = 1 - GLOBAL_SLA.availability;
    return {
      target: GLOBAL_SLA.availability,
      month_to_date: monthToDate,
      error_budget_remaining: monthToDate === null ? null : 1 - (1 - monthToDate) / budget,
      uptime,
      requests: { ratio: requestRatio, count, errors_5xx: failed },
    };
  }

  private async dailyPeaks(current: HourRollup[]): Promise<SlaReport['daily_peak_rps']> {
    const now = this.live.now();
    const d = new Date(now);
    const from = new Date(d.getFullYear(), d.getMonth(), d.getDate() - (PEAK_DAYS - 1)).getTime();
    const peaks = new Map<string, number>();
    const add = (hourStartMs: number, peak: number) => {
      const day = localDay(hourStartMs);
      peaks.set(day, Math.max(peaks.get(day) ?? 0, peak));
    };
    for (const row of await this.repo.hourlyPeaks(Math.floor(from / HOUR_MS) * 3_600, this.rollups.currentHour() / 1000)) add(row.hour_start * 1000, row.max_rps);
    const hour = current.find(isAll);
    if (hour) add(hour.hourStart, hour.peakRps);
    return [...peaks].sort(([a], [b]) => a.localeCompare(b)).map(([day, peak_rps]) => ({ day, peak_rps }));
  }

  private async topSlow(current: HourRollup[]): Promise<SlaReport['top_slow_endpoints']> {
    const currentHour = this.rollups.currentHour();
    const stored = (await this.repo.between((currentHour + HOUR_MS - DAY_MS) / 1000, currentHour / 1000)).map(fromRow);
    const byRoute = new Map<string, HourRollup[]>();
    for (const rollup of [...stored, ...current]) {
      if (isAll(rollup) || rollup.route.startsWith('/v1/admin/')) continue; // the dashboard's own requests
      const key = `${rollup.method} ${rollup.route}`;
      byRoute.set(key, [...(byRoute.get(key) ?? []), rollup]);
    }
    return [...byRoute.values()]
      .map((parts) => mergeRollups(parts, this.scratch))
      .filter((r) => r.p95Ms !== null)
      .sort((a, b) => b.p95Ms! - a.p95Ms!)
      .slice(0, TOP_SLOW)
      .map((r) => ({ method: r.method, route: r.route, p95_ms: r.p95Ms!, requests: r.count }));
  }
}
