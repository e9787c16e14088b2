/**
 * Small teams: roles `owner` (exactly one: the desktop's first admin), `admin`, `member` (the old `user`) and
 * `guest`; disabled accounts; passwords; invitations (single-use join and password-reset links); the audit log
 * of admin actions. Shipped migrations are never edited.
 *
 * `users` is rebuilt because its role CHECK changes (SQLite cannot alter a CHECK). This migration runs with
 * foreign keys off (`foreignKeysOff`, see migrate.ts): with them on, `DROP TABLE users` would cascade into
 * every table that references it. Rows keep their rowids (the owner is the first admin by (created_at, rowid)),
 * and `migrate` runs `PRAGMA foreign_key_check` before committing.
 *
 * - `users_one_owner`: a partial unique index, so a second owner is impossible, not just unlikely.
 * - `passwords.login_name` mirrors the user's name for login (case-insensitive, unique); guests have none.
 * - `invitations.code_hash` is SHA-256 of a 256-bit random code (a fast hash is enough for a secret that
 *   cannot be guessed); `user_id` is set for a password-reset link. Used and revoked rows stay, so an old link
 *   answers 410 (gone) rather than 404.
 * - `audit_log` keeps the actor's name as it was, and no foreign keys: the record outlives who it names.
 */
export const migration012 = {
  version: 12,
  name: 'team',
  foreignKeysOff: true,
  sql: `
CREATE TABLE users_new (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
  created_at   INTEGER NOT NULL,
  disabled_at  INTEGER
);
INSERT INTO users_new (rowid, id, name, role, created_at)
  SELECT rowid, id, name, CASE role WHEN 'user' THEN 'member' ELSE role END, created_at FROM users;
UPDATE users_new SET role = 'owner'
  WHERE rowid = (SELECT rowid FROM users_new WHERE role = 'admin' ORDER BY created_at, rowid LIMIT 1);
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE UNIQUE INDEX users_one_owner ON users(role) WHERE role = 'owner';
CREATE INDEX users_by_role ON users(role, created_at);

CREATE TABLE passwords (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  login_name  TEXT NOT NULL COLLATE NOCASE UNIQUE,
  hash        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE invitations (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  code_hash   BLOB NOT NULL UNIQUE,
  role        TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  name        TEXT,
  user_id     TEXT REFERENCES users(id) ON DELETE CASCADE,
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  used_by     TEXT,
  revoked_at  INTEGER
);
CREATE INDEX invitations_pending ON invitations(created_at, seq) WHERE used_at IS NULL AND revoked_at IS NULL;
CREATE INDEX invitations_by_user ON invitations(user_id) WHERE user_id IS NOT NULL;

CREATE TABLE audit_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  actor_id    TEXT,
  actor_name  TEXT,
  action      TEXT NOT NULL,
  target      TEXT,
  details     TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL
);
`,
};
