/** Turns the kept snapshots into chart columns (unix seconds on x), and the SLA colouring of a figure. */
import type { KpiSnapshot } from '../api/index.js';
import type { KpiState } from './kpi-store.js';

export function xs(series: readonly KpiSnapshot[]): number[] {
  return series.map((s) => s.at / 1000);
}

export function column(series: readonly KpiSnapshot[], pick: (s: KpiSnapshot) => number | null | undefined): (number | null)[] {
  return series.map((s) => {
    const v = pick(s);
    return v === undefined ? null : v;
  });
}

/** Selectors for `useKpi`: the kept series changes with every snapshot, the newest snapshot's parts may not. */
export const selectSeries = (s: KpiState) => s.series;

/** A part of the newest snapshot (undefined before the first); use with `sameJson`. */
export function latestPart<T>(pick: (latest: KpiSnapshot) => T): (s: KpiState) => T | undefined {
  return (s) => (s.latest === undefined ? undefined : pick(s.latest));
}

/** SLA colouring of a latency figure against its target (`warn` from 80% of it). */
export function latencyState(value: number | null | undefined, target: number | undefined): 'ok' | 'warn' | 'breach' | undefined {
  if (value === null || value === undefined || target === undefined) return undefined;
  if (value > target) return 'breach';
  return value > target * 0.8 ? 'warn' : 'ok';
}

export function routeKey(r: { method: string; route: string }): string {
  return `${r.method} ${r.route}`;
}
