/**
 * PostgreSQL twin of server/store/migrations/014-replica-instances.ts: rollups keyed per replica (`instance`)
 * so that replicas on one database stop overwriting each other's counts, and uptime runs tagged with theirs.
 * PostgreSQL changes the primary key in place. Shipped migrations are never edited.
 */
export const pgMigration014 = {
  version: 14,
  name: 'replica-instances',
  sql: `
ALTER TABLE metrics_rollups ADD COLUMN instance TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE metrics_rollups DROP CONSTRAINT metrics_rollups_pkey;
ALTER TABLE metrics_rollups ADD PRIMARY KEY (hour_start, method, route, instance);

ALTER TABLE uptime_runs ADD COLUMN instance TEXT COLLATE "C" NOT NULL DEFAULT '';
`,
};
