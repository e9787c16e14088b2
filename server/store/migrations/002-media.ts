/**
 * Media: content-addressed blobs (one row and one file on disk per distinct SHA-256), the files users own
 * (many files may share a blob; another user's file is invisible), reserved ids for presigned uploads, and
 * the OCR cache keyed by (content hash, languages). Shipped migrations are never edited.
 */
export const migration002 = {
  version: 2,
  name: 'media',
  sql: `
CREATE TABLE media_blobs (
  sha256      TEXT PRIMARY KEY,
  bytes       INTEGER NOT NULL,
  mime_type   TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE media_files (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  sha256      TEXT NOT NULL REFERENCES media_blobs(sha256),
  filename    TEXT NOT NULL,
  source      TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX media_files_by_user_created ON media_files(user_id, created_at, seq);
CREATE INDEX media_files_by_user_sha256 ON media_files(user_id, sha256);
CREATE INDEX media_files_by_sha256 ON media_files(sha256);

CREATE TABLE media_upload_slots (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  mime_type   TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ocr_results (
  sha256      TEXT NOT NULL REFERENCES media_blobs(sha256) ON DELETE CASCADE,
  languages   TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (sha256, languages)
) WITHOUT ROWID;
`,
};
