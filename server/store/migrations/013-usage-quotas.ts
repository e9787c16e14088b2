/**
 * Team quotas and usage. Shipped migrations are never edited.
 *
 * - `member_quotas`: one row per member an admin has set limits for; NULL is "no limit of this kind".
 *   Deleted with the member.
 * - `usage_hourly`: per clock hour (UTC, unix seconds), member and model, what the model did for them:
 *   requests, failed ones, prompt and generated tokens, and the milliseconds it held a slot. Rows are added to
 *   (`requests = requests + …`), so several flushes within an hour, or two runs of the server, just sum up.
 *   No foreign key: the history outlives a deleted member (the report then shows the id).
 * - `usage_storage`: a snapshot of a member's stored bytes (media + conversations), at most one per hour.
 */
export const migration013 = {
  version: 13,
  name: 'usage-quotas',
  sql: `
CREATE TABLE member_quotas (
  user_id              TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  requests_per_minute  INTEGER,
  tokens_per_day       INTEGER,
  concurrent_streams   INTEGER,
  storage_bytes        INTEGER,
  updated_at           INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE usage_hourly (
  hour_start         INTEGER NOT NULL,
  user_id            TEXT NOT NULL,
  model              TEXT NOT NULL,
  requests           INTEGER NOT NULL,
  errors             INTEGER NOT NULL,
  prompt_tokens      INTEGER NOT NULL,
  completion_tokens  INTEGER NOT NULL,
  model_ms           REAL NOT NULL,
  PRIMARY KEY (hour_start, user_id, model)
) WITHOUT ROWID;
CREATE INDEX usage_hourly_by_user ON usage_hourly(user_id, hour_start);

CREATE TABLE usage_storage (
  user_id     TEXT NOT NULL,
  hour_start  INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  PRIMARY KEY (user_id, hour_start)
) WITHOUT ROWID;
`,
};
