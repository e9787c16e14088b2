/**
 * Reads figures the dashboard needs from the prom-client registry (the one source of counters and gauges),
 * by metric name: gauges as they are now, counters and histograms as their change over a window.
 *
 * Windows: the chosen metrics are sampled (cumulative values) at most once a second when read, and by the
 * caller's timer otherwise; a window's change is "now minus the newest sample at or before its start".
 * Samples are kept every second for 5 minutes and every minute for 65 minutes, so memory stays bounded.
 * A metric that does not exist (yet) simply yields no values.
 */
import type { Registry } from 'prom-client';

export interface RegistryValue {
  metricName: string;
  labels: Partial<Record<string, string | number>>;
  value: number;
}

export interface RegistryDelta {
  values: RegistryValue[];
  /** The time the change was measured over (shorter than the window right after start). */
  spanMs: number;
}

interface Sample {
  at: number;
  values: Map<string, number>;
}

const RECENT_MS = 5 * 60_000;
const KEPT_MS = 65 * 60_000;

const keyOf = (v: RegistryValue) => `${v.metricName}\u0000${JSON.stringify(Object.entries(v.labels).sort(([a], [b]) => a.localeCompare(b)))}`;

export class RegistryWindows {
  private readonly now: () => number;
  private readonly startedAt: number;
  private recent: Sample[] = [];
  private older: Sample[] = [];

  constructor(
    private readonly registry: Registry,
    /** Counters and histograms whose change over a window is asked for. */
    private readonly windowed: readonly string[],
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Whether a metric of this name is registered. */
  has(name: string): boolean {
    return this.registry.getSingleMetric(name) !== undefined;
  }

  /** The metric's values now (every series, histogram series under their `_bucket`/`_sum`/`_count` names). */
  async current(name: string): Promise<RegistryValue[]> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return [];
    const { values } = await metric.get();
    return values.map((v) => ({ metricName: (v as { metricName?: string }).metricName ?? name, labels: { ...v.labels }, value: v.value }));
  }

  /** How much each series of a counter or histogram grew over the last `windowMs`. */
  async delta(name: string, windowMs: number): Promise<RegistryDelta> {
    await this.sample();
    const values = await this.current(name);
    const now = this.now();
    const base = this.baseFor(now - windowMs);
    return {
      values: values.map((v) => ({ ...v, value: Math.max(0, v.value - (base?.values.get(keyOf(v)) ?? 0)) })),
      spanMs: now - (base?.at ?? this.startedAt),
    };
  }

  /** Records the windowed metrics' cumulative values (skipped when the latest sample is under a second old). */
  async sample(): Promise<void> {
    const now = this.now();
    const latest = this.recent.at(-1);
    if (latest && now - latest.at < 1_000) return;
    const sample: Sample = { at: now, values: new Map() };
    this.recent.push(sample); // before the awaits: concurrent callers see it and skip
    for (const name of this.windowed) for (const v of await this.current(name)) sample.values.set(keyOf(v), v.value);
    this.thin(now);
  }

  private thin(now: number): void {
    while (this.recent.length > 0 && now - this.recent[0]!.at > RECENT_MS) {
      const aged = this.recent.shift()!;
      const last = this.older.at(-1);
      if (!last || aged.at - last.at >= 60_000) this.older.push(aged);
    }
    while (this.older.length > 0 && now - this.older[0]!.at > KEPT_MS) this.older.shift();
  }

  /** The newest sample taken at or before `at`; undefined means "since start" (every counter was 0). */
  private baseFor(at: number): Sample | undefined {
    for (const list of [this.recent, this.older]) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.at <= at) return list[i];
    }
    return undefined;
  }
}

/**
 * A quantile of a prom-client histogram's bucket counts (summed over its label sets), interpolated linearly
 * inside the bucket as Prometheus' histogram_quantile does; null without observations.
 */
export function histogramQuantile(values: readonly RegistryValue[], name: string, q: number): number | null {
  const byLe = new Map<number, number>();
  for (const v of values) {
    if (v.metricName !== `${name}_bucket`) continue;
    const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + v.value);
  }
  const buckets = [...byLe].sort(([a], [b]) => a - b);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let previousLe = 0;
  let previousCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return previousLe; // above the highest finite bound: that bound is all we know
      return previousLe + ((le - previousLe) * (rank - previousCount)) / Math.max(1, count - previousCount);
    }
    previousLe = le;
    previousCount = count;
  }
  return previousLe;
}

/** Sum of every series named `metricName` (e.g. `jan_x_sum`), optionally only those matching `labels`. */
export function sumOf(values: readonly RegistryValue[], metricName: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const v of values) {
    if (v.metricName !== metricName) continue;
    if (Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want)) sum += v.value;
  }
  return sum;
}
