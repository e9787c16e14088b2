/**
 * An exclusive OS-level lock on one file, held until `release()` or until the process ends: the OS drops it
 * when the holder exits or dies (SIGKILL included), so a lock is never left stale. It is SQLite's own file
 * locking (fcntl() record locks on POSIX, LockFileEx() on Windows) on a tiny database that stores nothing: the
 * connection takes `BEGIN EXCLUSIVE` in `locking_mode = EXCLUSIVE`, which never hands the lock back, and keeps
 * its journal in memory so no `-journal` file appears beside it.
 *
 * Rules that keep it sound:
 * - A second take is refused in another process and in this one alike (SQLite tracks its locks per file).
 * - Nothing else in this process may open the lock file: closing any descriptor of a file drops the process's
 *   POSIX locks on it (SQLite guards only the descriptors it opened itself).
 * - The file is never deleted, not even on release: a process that opened it a moment earlier would lock
 *   the deleted file while a third one creates and locks a new one under the same name.
 */
import { truncateSync } from 'node:fs';
import Database from 'better-sqlite3';

/** How long a take waits for a holder that is itself only half-way through taking it (a simultaneous start). */
const DEFAULT_WAIT_MS = 250;

function sqliteCode(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

function open(path: string, waitMs: number): Database.Database {
  const db = new Database(path, { timeout: waitMs });
  try {
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export class FileLock {
  private constructor(
    private db: Database.Database | undefined,
    readonly path: string,
  ) {}

  /**
   * Takes the lock on `path` (created if missing), or returns `undefined` when someone else holds it.
   * `waitMs`: how long to wait for it (default 250 ms; a holder keeps it for good, so longer only delays the answer).
   */
  static tryTake(path: string, waitMs = DEFAULT_WAIT_MS): FileLock | undefined {
    for (let attempt = 1; ; attempt++) {
      try {
        return new FileLock(open(path, waitMs), path);
      } catch (error) {
        const code = sqliteCode(error);
        if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return undefined;
        // A file something else wrote over (a holder would have answered busy before SQLite read a byte):
        // it holds nothing, so it starts again empty, in place (the same file, in case another has it open).
        if (attempt > 1 || (code !== 'SQLITE_NOTADB' && !code.startsWith('SQLITE_CORRUPT'))) throw error;
        truncateSync(path, 0);
      }
    }
  }

  get held(): boolean {
    return this.db !== undefined;
  }

  /** Gives the lock back (closing the connection); safe to call more than once. */
  release(): void {
    this.db?.close();
    this.db = undefined;
  }
}
