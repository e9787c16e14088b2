/**
 * Upkeep of the SQLite file: statistics (`PRAGMA optimize`), WAL checkpoints, giving free pages back to the
 * file system (incremental vacuum in small steps, or a full VACUUM), integrity checks and online backups
 * (SQLite's backup API through better-sqlite3: pages are copied in steps between other work, never a file
 * copy of a live database).
 *
 * Everything here but `backup` runs synchronously on the one connection, i.e. it blocks the event loop for
 * its duration: callers keep steps small (incremental vacuum) or run them rarely (full VACUUM).
 */
import type Database from 'better-sqlite3';

export interface SpaceFigures {
  pageSize: number;
  pages: number;
  freePages: number;
  autoVacuum: 'none' | 'full' | 'incremental';
}

const AUTO_VACUUM = ['none', 'full', 'incremental'] as const;
/** Pages a backup copies per turn of the event loop (better-sqlite3's default). */
const PAGES_PER_STEP = 100;

export class DatabaseMaintenance {
  constructor(private readonly db: Database.Database) {}

  space(): SpaceFigures {
    return {
      pageSize: this.db.pragma('page_size', { simple: true }) as number,
      pages: this.db.pragma('page_count', { simple: true }) as number,
      freePages: this.db.pragma('freelist_count', { simple: true }) as number,
      autoVacuum: AUTO_VACUUM[this.db.pragma('auto_vacuum', { simple: true }) as number] ?? 'none',
    };
  }

  /** Updates the query planner's statistics where SQLite thinks they are worth it (cheap). */
  optimize(): void {
    this.db.pragma('optimize');
  }

  /** Moves the WAL's pages into the database and truncates the WAL; returns whether it completed. */
  checkpoint(): boolean {
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 0;
  }

  /** Frees up to `pages` free pages (needs auto_vacuum = incremental); returns how many went. */
  incrementalVacuum(pages: number): number {
    const before = this.db.pragma('freelist_count', { simple: true }) as number;
    this.db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
    return before - (this.db.pragma('freelist_count', { simple: true }) as number);
  }

  /** Rebuilds the whole file (and switches it to incremental auto-vacuum for next time). Blocks until done. */
  vacuum(): void {
    this.db.pragma('auto_vacuum = INCREMENTAL');
    this.db.exec('VACUUM');
  }

  /** `PRAGMA integrity_check`: `['ok']` when the file is sound, else the problems found. */
  integrityCheck(): string[] {
    return (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
  }

  /**
   * Copies the live database into `destination` (a new file) with SQLite's online backup API. An abort of
   * `signal` stops it between two steps and rejects with the signal's reason (`destination` is then partial).
   */
  async backup(destination: string, signal?: AbortSignal): Promise<{ totalPages: number }> {
    const result = await this.db.backup(destination, {
      progress: () => {
        signal?.throwIfAborted();
        return PAGES_PER_STEP;
      },
    });
    return { totalPages: result.totalPages };
  }
}
