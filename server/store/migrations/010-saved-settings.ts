/**
 * Options an admin saved in the dashboard's Settings: one row per config key, the raw string as the environment
 * would give it (so the config schema parses it the same way), who saved it and when. Kept apart from
 * `settings`, which holds the server's own internal facts (the token signing secret). Shipped migrations are
 * never edited.
 */
export const migration010 = {
  version: 10,
  name: 'saved-settings',
  sql: `
CREATE TABLE saved_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT
);
`,
};
