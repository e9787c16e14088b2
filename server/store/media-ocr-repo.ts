import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/** Cached text extractions, keyed by (content hash, languages); they go when their blob goes. */
export class MediaOcrRepo {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.getStmt = db.prepare<[string, string], { body: string }>('SELECT body FROM ocr_results WHERE sha256 = ? AND languages = ?');
    this.putStmt = db.prepare<[string, string, string, number]>(
      `INSERT INTO ocr_results (sha256, languages, body, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (sha256, languages) DO UPDATE SET body = excluded.body, created_at = excluded.created_at`,
    );
  }

  /** The stored JSON, or undefined. */
  get(sha256: string, languages: string): string | undefined {
    return this.timer.run('ocr.get', () => this.getStmt.get(sha256, languages)?.body);
  }

  /** Stores a result; a no-op when the blob was deleted meanwhile (nothing to cache for). */
  put(sha256: string, languages: string, body: string, at: number): void {
    this.timer.run('ocr.put', () => {
      try {
        this.putStmt.run(sha256, languages, body, at);
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw error;
      }
    });
  }
}
