/**
 * Model downloads from the hub (`POST /v1/models/pull`): one row per pull, kept so a pull survives a server
 * restart (it resumes from its `.part` files) and finished ones stay listed for a while. `files` is the JSON
 * list of the pull's files with their sizes and SHA-256. Shipped migrations are never edited.
 */
export const migration011 = {
  version: 11,
  name: 'model-pulls',
  sql: `
CREATE TABLE model_pulls (
  id TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  repo TEXT NOT NULL,
  quantization TEXT,
  files TEXT NOT NULL,
  status TEXT NOT NULL,
  bytes_total INTEGER NOT NULL,
  bytes_done INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  model_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX model_pulls_by_status_created ON model_pulls(status, created_at);
`,
};
