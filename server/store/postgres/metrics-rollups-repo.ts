/** PostgreSQL twin of metrics-rollups-repo.ts: hourly request rollups, a row per instance (replaced whole on upsert). */
import type { MetricsRollupRow, MetricsRollupsRepo, RequestTotals } from '../metrics-rollups-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const columns =
  'hour_start, method, route, count, errors_4xx, errors_5xx, sum_ms, max_ms, p50_ms, p95_ms, p99_ms, max_rps, histogram, histogram_layout, updated_at, instance';

const upsertSql = `INSERT INTO metrics_rollups (${columns})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
  ON CONFLICT (hour_start, method, route, instance) DO UPDATE SET
    count = excluded.count, errors_4xx = excluded.errors_4xx, errors_5xx = excluded.errors_5xx,
    sum_ms = excluded.sum_ms, max_ms = excluded.max_ms, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms,
    p99_ms = excluded.p99_ms, max_rps = excluded.max_rps, histogram = excluded.histogram,
    histogram_layout = excluded.histogram_layout, updated_at = excluded.updated_at`;


const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class PgMetricsRollupsRepo implements RepoApi<MetricsRollupsRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  /** Inserts or replaces the rows, all in one transaction, in key order (writers at once lock rows in the same order: no deadlock). */
  async upsert(rows: readonly MetricsRollupRow[]): Promise<void> {
    if (rows.length === 0) return;
    const ordered = [...rows].sort((a, b) => a.hour_start - b.hour_start || compare(a.method, b.method) || compare(a.route, b.route) || compare(a.instance, b.instance));
    await this.sql.transaction(async () => {
      for (const row of ordered) {
        await this.sql.run('metrics_rollups.upsert', upsertSql, [
          row.hour_start,
          row.method,
          row.route,
          row.count,
          row.errors_4xx,
          row.errors_5xx,
          row.sum_ms,
          row.max_ms,
          row.p50_ms,
          row.p95_ms,
          row.p99_ms,
          row.max_rps,
          row.histogram,
          row.histogram_layout,
          row.updated_at,
          row.instance,
        ]);
      }
    });
  }

  async hour(hourStart: number, instance?: string): Promise<MetricsRollupRow[]> {
    if (instance !== undefined) {
      return this.sql.all('metrics_rollups.hour_of', `SELECT ${columns} FROM metrics_rollups WHERE hour_start = $1 AND instance = $2 ORDER BY method, route`, [
        hourStart,
        instance,
      ]);
    }
    return this.sql.all('metrics_rollups.hour', `SELECT ${columns} FROM metrics_rollups WHERE hour_start = $1 ORDER BY method, route, instance`, [hourStart]);
  }

  async between(from: number, to: number): Promise<MetricsRollupRow[]> {
    return this.sql.all('metrics_rollups.between', `SELECT ${columns} FROM metrics_rollups WHERE hour_start >= $1 AND hour_start < $2 ORDER BY hour_start, method, route, instance`, [
      from,
      to,
    ]);
  }

  async totals(from: number, to: number): Promise<RequestTotals> {
    // sum() of a BIGINT is NUMERIC in PostgreSQL: cast back to an integer type.
    const row = await this.sql.get<{ count: number | null; errors_5xx: number | null }>(
      'metrics_rollups.totals',
      `SELECT sum(count)::bigint AS count, sum(errors_5xx)::bigint AS errors_5xx FROM metrics_rollups
       WHERE method = '*' AND route = '*' AND hour_start >= $1 AND hour_start < $2`,
      [from, to],
    );
    return { count: row?.count ?? 0, errors_5xx: row?.errors_5xx ?? 0 };
  }

  async hourlyPeaks(from: number, to: number): Promise<{ hour_start: number; max_rps: number }[]> {
    return this.sql.all(
      'metrics_rollups.peaks',
      `SELECT hour_start, sum(max_rps)::bigint AS max_rps FROM metrics_rollups
       WHERE method = '*' AND route = '*' AND hour_start >= $1 AND hour_start < $2 GROUP BY hour_start ORDER BY hour_start`,
      [from, to],
    );
  }
}
