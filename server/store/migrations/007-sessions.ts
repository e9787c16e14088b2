/**
 * Dashboard sessions kept on the server, so that logging out, "log out everywhere" and revoking the API key
 * a session was made from end it at once. The cookie stays a signed token, now naming a row here (its `jti`);
 * each request reads that row by primary key. `last_seen_at` is written at most once a minute. A rowid
 * table, so that lists are newest first even within one second (`created_at, rowid`), as for API keys.
 * `created_by_api_key_id` has no foreign key: the key's row is deleted on revocation while the session row
 * keeps the id as a record until it expires. Shipped migrations are never edited.
 */
export const migration007 = {
  version: 7,
  name: 'sessions',
  sql: `
CREATE TABLE sessions (
  id                     TEXT PRIMARY KEY,
  user_id                TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at             INTEGER NOT NULL,
  expires_at             INTEGER NOT NULL,
  last_seen_at           INTEGER NOT NULL,
  revoked_at             INTEGER,
  created_by_api_key_id  TEXT,
  user_agent             TEXT,
  ip                     TEXT
);
CREATE INDEX sessions_by_user ON sessions(user_id, created_at);
CREATE INDEX sessions_by_api_key ON sessions(created_by_api_key_id) WHERE created_by_api_key_id IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions(expires_at);
`,
};
