/**
 * Data lifecycle: conversations archived into compressed JSON Lines files (`archive/` in the data folder).
 * Each archive file is a series of gzip members, one per conversation, so one conversation is read back by
 * its byte range alone. `restored_at` marks a conversation brought back on access, so the archive job does
 * not send it straight back. Shipped migrations are never edited.
 */
export const migration005 = {
  version: 5,
  name: 'lifecycle',
  sql: `
ALTER TABLE conversations ADD COLUMN restored_at INTEGER;
CREATE INDEX conversations_by_updated ON conversations(updated_at);

CREATE TABLE archive_files (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
);

CREATE TABLE archived_conversations (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id   TEXT,
  title        TEXT,
  file_id      INTEGER NOT NULL REFERENCES archive_files(id),
  byte_offset  INTEGER NOT NULL,
  byte_length  INTEGER NOT NULL,
  items        INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  archived_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX archived_conversations_by_user ON archived_conversations(user_id, created_at, id);
CREATE INDEX archived_conversations_by_file ON archived_conversations(file_id, byte_offset);
`,
};
