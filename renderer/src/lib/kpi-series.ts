/** Turns the kept snapshots into chart columns (unix seconds on x). */
import type { KpiSnapshot } from '../api/index.js';

export function xs(series: KpiSnapshot[]): number[] {
  return series.map((s) => s.at / 1000);
}

export function column(series: KpiSnapshot[], pick: (s: KpiSnapshot) => number | null | undefined): (number | null)[] {
  return series.map((s) => {
    const v = pick(s);
    return v === undefined ? null : v;
  });
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
