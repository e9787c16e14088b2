/** PostgreSQL twin of media-ocr-repo.ts: cached text extractions keyed by (content hash, languages). */
import type { MediaOcrRepo } from '../media-ocr-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

/** PostgreSQL's foreign_key_violation. */
const FOREIGN_KEY_VIOLATION = '23503';

export class PgMediaOcrRepo implements RepoApi<MediaOcrRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  async get(sha256: string, languages: string): Promise<string | undefined> {
    const row = await this.sql.get<{ body: string }>('ocr.get', 'SELECT body FROM ocr_results WHERE sha256 = $1 AND languages = $2', [
      sha256,
      languages,
    ]);
    return row?.body;
  }

  /**
   * Stores a result; a no-op when the blob was deleted meanwhile. The EXISTS guard covers a blob gone before
   * the statement, the catch one deleted while it ran. In PostgreSQL a failed statement aborts the whole
   * transaction (in SQLite only the statement), so inside one the insert runs in a savepoint of its own.
   */
  async put(sha256: string, languages: string, body: string, at: number): Promise<void> {
    const insert = () =>
      this.sql.run(
        'ocr.put',
        `INSERT INTO ocr_results (sha256, languages, body, created_at)
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM media_blobs WHERE sha256 = $1)
         ON CONFLICT (sha256, languages) DO UPDATE SET body = excluded.body, created_at = excluded.created_at`,
        [sha256, languages, body, at],
      );
    try {
      await (this.sql.inTransaction ? this.sql.transaction(insert) : insert());
    } catch (error) {
      if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw error;
    }
  }
}
