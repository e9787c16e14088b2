/**
 * Hourly request rollups for the dashboard's history, so it survives a restart: one row per clock hour
 * (UTC, unix seconds) and route template, plus one row with method and route `*` for all requests. The
 * sparse HDR histogram lets hours be merged exactly (a day's p95, a restart within the hour); its layout
 * name says how to read it. Shipped migrations are never edited.
 */
export const migration004 = {
  version: 4,
  name: 'metrics-rollups',
  sql: `
CREATE TABLE metrics_rollups (
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
  PRIMARY KEY (hour_start, method, route)
) WITHOUT ROWID;
`,
};
