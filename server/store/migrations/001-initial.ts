/**
 * Users, API keys, settings, projects, conversations and items. Shipped migrations are never edited;
 * add a new numbered file instead.
 *
 * Every table that is listed has an integer `seq` as its rowid so that cursors are exact: lists order by
 * (created_at, seq) — created_at is what a user means by order, seq breaks ties within a second.
 */
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'user', 'guest')),
  created_at  INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  prefix        TEXT NOT NULL,
  suffix        TEXT NOT NULL,
  hash          BLOB NOT NULL UNIQUE,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER,
  last_used_at  INTEGER
);
CREATE INDEX api_keys_by_user ON api_keys(user_id, created_at);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE projects (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  instruction  TEXT,
  is_favorite  INTEGER NOT NULL DEFAULT 0,
  archived_at  INTEGER,
  deleted_at   INTEGER,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX projects_by_user_created ON projects(user_id, created_at, seq) WHERE deleted_at IS NULL;

CREATE TABLE conversations (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id  TEXT,
  title       TEXT,
  metadata    TEXT NOT NULL DEFAULT '{}',
  referrer    TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX conversations_by_user_created ON conversations(user_id, created_at, seq);
CREATE INDEX conversations_by_user_project_created ON conversations(user_id, project_id, created_at, seq);

CREATE TABLE items (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  id                TEXT NOT NULL UNIQUE,
  conversation_seq  INTEGER NOT NULL REFERENCES conversations(seq) ON DELETE CASCADE,
  type              TEXT NOT NULL,
  body              TEXT NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX items_by_conversation ON items(conversation_seq, seq);
`,
};
