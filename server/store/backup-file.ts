/**
 * Checks and finishes a backup file made by `DatabaseMaintenance.backup`: switches it to a self-contained
 * rollback-journal file (no -wal/-shm beside it; the server turns WAL back on when it opens a restored
 * copy), runs SQLite's integrity check and reads its schema version.
 */
import Database from 'better-sqlite3';

export interface BackupFileCheck {
  ok: boolean;
  /** `['ok']`, or what `PRAGMA integrity_check` found. */
  problems: string[];
  schemaVersion: number;
}

export function finishBackupFile(path: string): BackupFileCheck {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = DELETE');
    const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    return { ok: problems.length === 1 && problems[0] === 'ok', problems, schemaVersion: db.pragma('user_version', { simple: true }) as number };
  } finally {
    db.close();
  }
}
