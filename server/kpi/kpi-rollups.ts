/**
 * Hourly request rollups: writes what the live windows saw in the current clock hour to the store every
 * minute and on close, and the previous hour one last time once it has ended. A restart within an hour
 * loses nothing already written: the stored rows of the hour the server starts in are merged (histograms
 * included, so percentiles stay exact) with what this run observes.
 *
 * Several replicas on one database: each writes only its own rows (keyed by its `instance`, migration 014),
 * so none overwrites another's counts; readers merge the instances' rows of an hour and route (counts and
 * histograms add up, so percentiles stay exact; peaks add up too, as the replicas serve at the same time).
 * With one server there is one instance and everything reads as before.
 *
 * Lifecycle: the constructor starts reading the stored rows of the current hour (every read and write waits
 * for them) and an unref'd timer; `close()` clears it and writes once more (await it before the store closes).
 * Writes run one at a time. Read and write errors are logged, never thrown from the timer.
 */
import type { Logger } from 'pino';
import { decodeSparse, EMPTY_SPARSE, encodeSparse, HISTOGRAM_LAYOUT, percentilesMicros, toSparse, type SparseCounts } from '../metrics/live-histogram.js';
import { Accumulator, type SlotStats } from '../metrics/live-series.js';
import type { HourFigures, LiveWindows } from '../metrics/live-windows.js';
import type { MetricsRollupRow, MetricsRollupsRepo } from '../store/metrics-rollups-repo.js';
import type { RepoApi } from '../store/store.js';

export const HOUR_MS = 3_600_000;
export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** One hour of one route, with its histogram when it can be merged further. */
export interface HourRollup {
  hourStart: number;
  method: string;
  route: string;
  count: number;
  errors4xx: number;
  errors5xx: number;
  sumMs: number;
  maxMs: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  peakRps: number;
  counts: SparseCounts | null;
}

export interface KpiRollupsOptions {
  intervalMs?: number;
  /** This server's id among replicas on one database (instance-id.ts); '' by default. */
  instance?: string;
  logger?: Pick<Logger, 'warn'>;
}

const keyOf = (method: string, route: string) => `${method} ${route}`;

/** A stored row back as a rollup; its histogram only if it has this build's layout. */
export function fromRow(row: MetricsRollupRow): HourRollup {
  let counts: SparseCounts | null = null;
  if (row.histogram && row.histogram_layout === HISTOGRAM_LAYOUT) {
    try {
      counts = decodeSparse(row.histogram);
    } catch {
      counts = null;
    }
  }
  return {
    hourStart: row.hour_start * 1000, method: row.method, route: row.route, count: row.count,
    errors4xx: row.errors_4xx, errors5xx: row.errors_5xx, sumMs: row.sum_ms, maxMs: row.max_ms,
    p50Ms: row.p50_ms, p95Ms: row.p95_ms, p99Ms: row.p99_ms, peakRps: row.max_rps, counts,
  };
}

function toRow(rollup: HourRollup, now: number, instance: string): MetricsRollupRow {
  return {
    hour_start: rollup.hourStart / 1000, method: rollup.method, route: rollup.route, count: rollup.count,
    errors_4xx: rollup.errors4xx, errors_5xx: rollup.errors5xx, sum_ms: rollup.sumMs, max_ms: rollup.maxMs,
    p50_ms: rollup.p50Ms, p95_ms: rollup.p95Ms, p99_ms: rollup.p99Ms, max_rps: rollup.peakRps,
    histogram: rollup.counts ? encodeSparse(rollup.counts) : null,
    histogram_layout: rollup.counts ? HISTOGRAM_LAYOUT : null,
    updated_at: Math.floor(now / 1000),
    instance,
  };
}

/**
 * Merges rollups of the same hour and route (e.g. two runs of the server, or 24 hours into one day):
 * counts add up, percentiles come from the merged histogram (or, if one has none, from the busier part).
 */
export function mergeRollups(parts: readonly HourRollup[], scratch = new Accumulator()): HourRollup {
  const first = parts[0]!;
  scratch.reset();
  const exact = parts.every((p) => p.counts !== null);
  for (const part of parts) {
    const stats: SlotStats = {
      count: part.count, sumMicros: part.sumMs * 1000, maxMicros: part.maxMs * 1000, errors4xx: part.errors4xx,
      errors5xx: part.errors5xx, peakPerSecond: part.peakRps, statuses: new Map(),
    };
    scratch.addSlot({ stats, counts: part.counts ?? EMPTY_SPARSE });
  }
  const s = scratch.stats;
  const busiest = [...parts].sort((a, b) => b.count - a.count)[0]!;
  const [p50, p95, p99] = exact ? percentilesMicros(scratch.histogram, [50, 95, 99]).map((v) => (v === null ? null : v / 1000)) : [busiest.p50Ms, busiest.p95Ms, busiest.p99Ms];
  return {
    hourStart: first.hourStart, method: first.method, route: first.route, count: s.count, errors4xx: s.errors4xx,
    errors5xx: s.errors5xx, sumMs: s.sumMicros / 1000, maxMs: s.maxMicros / 1000, p50Ms: p50 ?? null, p95Ms: p95 ?? null,
    p99Ms: p99 ?? null, peakRps: s.peakPerSecond, counts: exact ? toSparse(scratch.histogram) : null,
  };
}

/**
 * Merges one hour and route as several instances saw it: like `mergeRollups`, except that the peaks add up
 * (replicas serve at the same time; a single one is returned as it is).
 */
export function mergeInstances(parts: readonly HourRollup[], scratch = new Accumulator()): HourRollup {
  if (parts.length === 1) return parts[0]!;
  return { ...mergeRollups(parts, scratch), peakRps: parts.reduce((sum, part) => sum + part.peakRps, 0) };
}

/** Stored rows of any hours and instances, one rollup per hour and route (in the order first seen). */
export function mergeStoredRows(rows: readonly MetricsRollupRow[], scratch = new Accumulator()): HourRollup[] {
  const byKey = new Map<string, HourRollup[]>();
  for (const row of rows) {
    const key = `${row.hour_start} ${keyOf(row.method, row.route)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), fromRow(row)]);
  }
  return [...byKey.values()].map((parts) => mergeInstances(parts, scratch));
}

/** This run's figures; percentiles are filled in by `mergeRollups` from the counts. */
function fromFigures(hourStart: number, figures: HourFigures): HourRollup {
  const { stats } = figures;
  return {
    hourStart, method: figures.method, route: figures.route, count: stats.count, errors4xx: stats.errors4xx,
    errors5xx: stats.errors5xx, sumMs: stats.sumMicros / 1000, maxMs: stats.maxMicros / 1000,
    p50Ms: null, p95Ms: null, p99Ms: null, peakRps: stats.peakPerSecond, counts: figures.counts,
  };
}

export class KpiRollups {
  private readonly base = new Map<string, HourRollup>();
  private lastWritten: number;
  private readonly timer: NodeJS.Timeout;
  private readonly scratch = new Accumulator();
  private readonly baseHour: number;
  private readonly instance: string;
  /** Settles once what an earlier run of this instance stored for `baseHour` is in `base`. */
  private readonly loaded: Promise<void>;
  /** The write in progress, if any (the next one starts after it). */
  private writing: Promise<void> | undefined;

  constructor(
    private readonly repo: RepoApi<MetricsRollupsRepo>,
    private readonly live: LiveWindows,
    private readonly options: KpiRollupsOptions = {},
  ) {
    this.instance = options.instance ?? '';
    this.baseHour = hourOf(live.now());
    this.lastWritten = this.baseHour;
    this.loaded = this.loadBase();
    this.timer = setInterval(() => void this.flushLogged(), options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /**
   * One hour's rollups as far as known now: this instance's (`ownHourRollups`) merged with what the other
   * instances on the database stored for the hour (as of their last write, at most a write interval old).
   */
  async hourRollups(hourStart: number): Promise<HourRollup[]> {
    const own = await this.ownHourRollups(hourStart);
    const others = (await this.repo.hour(hourStart / 1000)).filter((row) => row.instance !== this.instance);
    if (others.length === 0) return own;
    const parts = new Map<string, HourRollup[]>();
    for (const rollup of [...own, ...others.map(fromRow)]) {
      const key = keyOf(rollup.method, rollup.route);
      parts.set(key, [...(parts.get(key) ?? []), rollup]);
    }
    return [...parts.values()].map((each) => mergeInstances(each, this.scratch));
  }

  /** This instance's rollups of one hour: the stored rows of its earlier run merged with this run's figures. */
  private async ownHourRollups(hourStart: number): Promise<HourRollup[]> {
    await this.loaded;
    const rows = new Map<string, HourRollup[]>();
    if (hourStart === this.baseHour) for (const [key, rollup] of this.base) rows.set(key, [rollup]);
    for (const figures of this.live.hourFigures(hourStart)) {
      const key = keyOf(figures.method, figures.route);
      rows.set(key, [...(rows.get(key) ?? []), fromFigures(hourStart, figures)]);
    }
    return [...rows.values()].map((parts) => mergeRollups(parts, this.scratch));
  }

  /** The hour whose rows are still changing; earlier hours are final in the store once `flush()` has run in a later hour. */
  currentHour(): number {
    return hourOf(this.live.now());
  }

  /** Writes the current hour, and the previous one a last time if it ended since the last write (after any write in progress). */
  flush(): Promise<void> {
    const run = (this.writing ?? Promise.resolve()).then(() => this.write());
    const settled = run.catch(() => undefined);
    this.writing = settled;
    void settled.then(() => {
      if (this.writing === settled) this.writing = undefined;
    });
    return run;
  }

  /** Makes the store hold every finished hour (a no-op unless an hour ended since the last write). */
  async settle(): Promise<void> {
    if (this.writing) await this.writing;
    if (this.lastWritten < this.currentHour()) await this.flush();
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.flushLogged(); // a failed last write (a full disk) must not stop the shutdown
  }

  private async write(): Promise<void> {
    const hour = this.currentHour();
    const now = this.live.now();
    const rows = async (hourStart: number) => (await this.ownHourRollups(hourStart)).map((r) => toRow(r, now, this.instance));
    if (this.lastWritten < hour) await this.repo.upsert(await rows(this.lastWritten));
    await this.repo.upsert(await rows(hour));
    this.lastWritten = hour;
  }

  /** A failed read (the database is gone) leaves this run's figures alone in the hour: logged, not thrown. */
  private async loadBase(): Promise<void> {
    try {
      for (const row of await this.repo.hour(this.baseHour / 1000, this.instance)) this.base.set(keyOf(row.method, row.route), fromRow(row));
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'could not read the stored metrics rollups of this hour');
    }
  }

  private async flushLogged(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'could not write the metrics rollups');
    }
  }
}
