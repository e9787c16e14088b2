/**
 * Uptime: one row per run of the server. A run's `last_seen_at` is its heartbeat (written once a minute), so
 * the time between one run's last sign of life and the next run's start is when the server was down; a run
 * stopped cleanly (`stopped_at` set) marks that gap as planned maintenance, which the guide's availability
 * excludes. Times in unix seconds. Shipped migrations are never edited.
 */
export const migration008 = {
  version: 8,
  name: 'uptime',
  sql: `
CREATE TABLE uptime_runs (
  id            INTEGER PRIMARY KEY,
  started_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  stopped_at    INTEGER
);
CREATE INDEX uptime_runs_last_seen ON uptime_runs (last_seen_at);
`,
};
