import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/**
 * One clock hour of one route (method and route `*`: all requests) as one server instance saw it (several
 * replicas on one database each keep their own row; migration 014). Times in unix seconds.
 */
export interface MetricsRollupRow {
  hour_start: number;
  method: string;
  route: string;
  count: number;
  errors_4xx: number;
  errors_5xx: number;
  sum_ms: number;
  max_ms: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  /** Most requests in any one second of the hour. */
  max_rps: number;
  histogram: Buffer | null;
  histogram_layout: string | null;
  updated_at: number;
  /** The replica that wrote the row (server/kpi/instance-id.ts); '' for rows from before migration 014. */
  instance: string;
}

export interface RequestTotals {
  count: number;
  errors_5xx: number;
}

const columns = 'hour_start, method, route, count, errors_4xx, errors_5xx, sum_ms, max_ms, p50_ms, p95_ms, p99_ms, max_rps, histogram, histogram_layout, updated_at, instance';

/**
 * Hourly request rollups, a row per instance: each writer merges its own row with what it stored before and
 * upserts it whole; readers add the instances up (totals and peaks here; rows with histograms are merged by
 * the caller, server/kpi/kpi-rollups.ts, since SQL cannot merge histograms).
 */
export class MetricsRollupsRepo {
  private readonly upsertStmt;
  private readonly hourStmt;
  private readonly hourOfStmt;
  private readonly betweenStmt;
  private readonly totalsStmt;
  private readonly peaksStmt;

  constructor(private readonly db: Database.Database, private readonly timer: QueryTimer) {
    this.upsertStmt = db.prepare<MetricsRollupRow>(
      `INSERT INTO metrics_rollups (${columns})
       VALUES (@hour_start, @method, @route, @count, @errors_4xx, @errors_5xx, @sum_ms, @max_ms, @p50_ms, @p95_ms, @p99_ms,
               @max_rps, @histogram, @histogram_layout, @updated_at, @instance)
       ON CONFLICT (hour_start, method, route, instance) DO UPDATE SET
         count = excluded.count, errors_4xx = excluded.errors_4xx, errors_5xx = excluded.errors_5xx,
         sum_ms = excluded.sum_ms, max_ms = excluded.max_ms, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms,
         p99_ms = excluded.p99_ms, max_rps = excluded.max_rps, histogram = excluded.histogram,
         histogram_layout = excluded.histogram_layout, updated_at = excluded.updated_at`,
    );
    this.hourStmt = db.prepare<[number], MetricsRollupRow>(`SELECT ${columns} FROM metrics_rollups WHERE hour_start = ? ORDER BY method, route, instance`);
    this.hourOfStmt = db.prepare<[number, string], MetricsRollupRow>(
      `SELECT ${columns} FROM metrics_rollups WHERE hour_start = ? AND instance = ? ORDER BY method, route`,
    );
    this.betweenStmt = db.prepare<[number, number], MetricsRollupRow>(
      `SELECT ${columns} FROM metrics_rollups WHERE hour_start >= ? AND hour_start < ? ORDER BY hour_start, method, route, instance`,
    );
    this.totalsStmt = db.prepare<[number, number], { count: number | null; errors_5xx: number | null }>(
      `SELECT sum(count) AS count, sum(errors_5xx) AS errors_5xx FROM metrics_rollups
       WHERE method = '*' AND route = '*' AND hour_start >= ? AND hour_start < ?`,
    );
    this.peaksStmt = db.prepare<[number, number], { hour_start: number; max_rps: number }>(
      `SELECT hour_start, sum(max_rps) AS max_rps FROM metrics_rollups
       WHERE method = '*' AND route = '*' AND hour_start >= ? AND hour_start < ? GROUP BY hour_start ORDER BY hour_start`,
    );
  }

  /** Inserts or replaces the rows, all in one transaction. */
  upsert(rows: readonly MetricsRollupRow[]): void {
    if (rows.length === 0) return;
    this.timer.run('metrics_rollups.upsert', () => this.db.transaction(() => rows.forEach((row) => this.upsertStmt.run(row)))());
  }

  /** The hour's rows of every instance, or of one instance only. */
  hour(hourStart: number, instance?: string): MetricsRollupRow[] {
    if (instance !== undefined) return this.timer.run('metrics_rollups.hour_of', () => this.hourOfStmt.all(hourStart, instance));
    return this.timer.run('metrics_rollups.hour', () => this.hourStmt.all(hourStart));
  }

  /** Rows of the hours in [from, to), every instance's, oldest first (the caller merges a route's instances). */
  between(from: number, to: number): MetricsRollupRow[] {
    return this.timer.run('metrics_rollups.between', () => this.betweenStmt.all(from, to));
  }

  /** All-request totals of the hours in [from, to), all instances. */
  totals(from: number, to: number): RequestTotals {
    return this.timer.run('metrics_rollups.totals', () => {
      const row = this.totalsStmt.get(from, to);
      return { count: row?.count ?? 0, errors_5xx: row?.errors_5xx ?? 0 };
    });
  }

  /**
   * The most requests in any one second, per hour in [from, to) (all requests), oldest first. Instances' peaks
   * add up: replicas behind one balancer serve at the same time (an upper bound when one replica replaced
   * another within the hour).
   */
  hourlyPeaks(from: number, to: number): { hour_start: number; max_rps: number }[] {
    return this.timer.run('metrics_rollups.peaks', () => this.peaksStmt.all(from, to));
  }
}
