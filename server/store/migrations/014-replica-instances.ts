/**
 * Several replicas on one database (issue 18). Each server names itself (`instance`, server/kpi/instance-id.ts;
 * '' on rows written before this migration). Shipped migrations are never edited.
 *
 * - `metrics_rollups`: a row per hour, route AND instance, so that replicas stop overwriting each other's counts
 *   with their own; readers add the instances up (totals and peaks in SQL, histograms merged in server/kpi/).
 *   SQLite cannot change a primary key in place: the table is rebuilt (no table references it, so foreign keys
 *   stay on).
 * - `uptime_runs.instance`: replicas' runs overlap; a run of another instance seen within the last heartbeats is
 *   alive, while one of this instance that is not this process's run is over (server/kpi/uptime-recorder.ts).
 */
export const migration014 = {
  version: 14,
  name: 'replica-instances',
  sql: `
CREATE TABLE metrics_rollups_new (
  hour_start        INTEGER NOT NULL,
  method            TEXT NOT NULL,
  route             TEXT NOT NULL,
  count             INTEGER NOT NULL,
  errors_4xx        INTEGER NOT NULL,
  errors_5xx        INTEGER NOT NULL,
  sum_ms            REAL NOT NULL,
  max_ms            REAL NOT NULL,
  p50_ms            REAL,
  p95_ms            REAL,
  p99_ms            REAL,
  max_rps           INTEGER NOT NULL,
  histogram         BLOB,
  histogram_layout  TEXT,
  updated_at        INTEGER NOT NULL,
  instance          TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (hour_start, method, route, instance)
) WITHOUT ROWID;
INSERT INTO metrics_rollups_new (hour_start, method, route, count, errors_4xx, errors_5xx, sum_ms, max_ms, p50_ms, p95_ms,
                                 p99_ms, max_rps, histogram, histogram_layout, updated_at)
  SELECT hour_start, method, route, count, errors_4xx, errors_5xx, sum_ms, max_ms, p50_ms, p95_ms,
         p99_ms, max_rps, histogram, histogram_layout, updated_at FROM metrics_rollups;
DROP TABLE metrics_rollups;
ALTER TABLE metrics_rollups_new RENAME TO metrics_rollups;

ALTER TABLE uptime_runs ADD COLUMN instance TEXT NOT NULL DEFAULT '';
`,
};
