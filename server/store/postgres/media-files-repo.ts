/**
 * PostgreSQL twin of media-files-repo.ts: files and blobs, same rows, same page order.
 *
 * Unlike SQLite's, transactions here run side by side (also on other replicas), so the blob row is the lock
 * that orders an upload and a delete of the same content (both run in `Store.transaction`):
 * - an upload locks the blob row when it inserts or finds it (`insertBlob`), and keeps it until its commit,
 *   so a delete cannot drop the blob between the upload's blob and file rows;
 * - a delete locks the blob row after removing its file, then looks for other files in a new statement (a
 *   new snapshot: it sees what the lock waited for). Two deletes of the last two files of one blob thus drop
 *   it exactly once, and a delete racing an upload of the same content keeps it.
 */
import type { MediaBlobRow, MediaFileRow, MediaFilesRepo, NewMediaFile } from '../media-files-repo.js';
import { keysetClauses, toPage, type Page, type PageRequest, type SortOrder } from '../page.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const columns = 'f.seq, f.id, f.user_id, f.sha256, f.filename, f.source, f.purpose, f.created_at, b.bytes, b.mime_type';
const joined = 'media_files f JOIN media_blobs b ON b.sha256 = f.sha256';
const unreferenced = 'NOT EXISTS (SELECT 1 FROM media_files f WHERE f.sha256 = b.sha256)';

export class PgMediaFilesRepo implements RepoApi<MediaFilesRepo> {
  /** The list statement per (order, has a position, by purpose), written once. */
  private readonly listSql = new Map<string, string>();

  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {
    for (const order of ['asc', 'desc'] as SortOrder[]) {
      for (const hasAfter of [false, true]) {
        for (const byPurpose of [false, true]) {
          // keysetClauses' named parameters become $3/$4 (the position); media_blobs has a created_at too.
          const { where, orderBy } = keysetClauses(order, hasAfter);
          const qualify = (text: string) =>
            text
              .replace(/\bcreated_at\b/g, 'f.created_at')
              .replace(/\bseq\b/g, 'f.seq')
              .replace('@afterCreatedAt', '$3')
              .replace('@afterSeq', '$4');
          const purpose = byPurpose ? `AND f.purpose = $${hasAfter ? 5 : 3}` : '';
          this.listSql.set(
            `${order}:${hasAfter}:${byPurpose}`,
            `SELECT ${columns} FROM ${joined} WHERE f.user_id = $1 ${purpose} ${qualify(where)} ${qualify(orderBy)} LIMIT $2`,
          );
        }
      }
    }
  }

  /**
   * Adds the blob unless its content is stored already; true when the row is new. Either way the row stays
   * locked until the caller's transaction ends (ON CONFLICT DO UPDATE locks the row even when its WHERE
   * updates nothing), so that a concurrent delete of the content's last file keeps it: callers insert the blob
   * and its file in one transaction (the media service does).
   */
  async insertBlob(row: MediaBlobRow): Promise<boolean> {
    const changed = await this.sql.run(
      'media.insert_blob',
      `INSERT INTO media_blobs (sha256, bytes, mime_type, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 WHERE false`,
      [row.sha256, row.bytes, row.mime_type, row.created_at],
    );
    return changed === 1;
  }

  async insertFile(row: NewMediaFile): Promise<void> {
    await this.sql.run(
      'media.insert_file',
      `INSERT INTO media_files (id, user_id, sha256, filename, source, purpose, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.user_id, row.sha256, row.filename, row.source, row.purpose, row.created_at],
    );
  }

  async get(userId: string, id: string): Promise<MediaFileRow | undefined> {
    return this.sql.get('media.get', `SELECT ${columns} FROM ${joined} WHERE f.user_id = $1 AND f.id = $2`, [userId, id]);
  }

  async getAnyOwner(id: string): Promise<MediaFileRow | undefined> {
    return this.sql.get('media.get_any', `SELECT ${columns} FROM ${joined} WHERE f.id = $1`, [id]);
  }

  async findBySha256(userId: string, sha256: string, purpose: string): Promise<MediaFileRow | undefined> {
    return this.sql.get(
      'media.find_by_sha256',
      `SELECT ${columns} FROM ${joined} WHERE f.user_id = $1 AND f.sha256 = $2 AND f.purpose = $3 ORDER BY f.seq LIMIT 1`,
      [userId, sha256, purpose],
    );
  }

  async list(userId: string, page: PageRequest, purpose?: string): Promise<Page<MediaFileRow>> {
    const values: unknown[] = [userId, page.limit + 1];
    if (page.after !== undefined) values.push(page.after.created_at, page.after.seq);
    if (purpose !== undefined) values.push(purpose);
    const text = this.listSql.get(`${page.order}:${page.after !== undefined}:${purpose !== undefined}`)!;
    return toPage(await this.sql.all<MediaFileRow>('media.list', text, values), page.limit);
  }

  /**
   * Deletes the file and locks its blob row (one statement); then drops the blob if no file refers to it any
   * more. In a transaction of its own when the caller has none (the lock must hold across both statements).
   */
  async deleteFile(userId: string, id: string): Promise<{ deleted: boolean; orphanSha256?: string }> {
    const run = async (): Promise<{ deleted: boolean; orphanSha256?: string }> => {
      const removed = await this.sql.get<{ sha256: string }>(
        'media.delete_file',
        `WITH removed AS (DELETE FROM media_files WHERE user_id = $1 AND id = $2 RETURNING sha256)
         SELECT b.sha256 FROM media_blobs b JOIN removed r ON r.sha256 = b.sha256 FOR UPDATE OF b`,
        [userId, id],
      );
      if (!removed) return { deleted: false };
      const dropped = await this.sql.run('media.delete_file', `DELETE FROM media_blobs b WHERE b.sha256 = $1 AND ${unreferenced}`, [removed.sha256]);
      return dropped === 1 ? { deleted: true, orphanSha256: removed.sha256 } : { deleted: true };
    };
    return this.sql.inTransaction ? run() : this.sql.transaction(run);
  }

  /** Blob rows nobody refers to; one an upload holds locked (it is about to refer to it) is left alone. */
  async deleteOrphanBlobs(): Promise<string[]> {
    const rows = await this.sql.all<{ sha256: string }>(
      'media.delete_orphans',
      `DELETE FROM media_blobs WHERE sha256 IN (SELECT b.sha256 FROM media_blobs b WHERE ${unreferenced} FOR UPDATE SKIP LOCKED)
       RETURNING sha256`,
    );
    return rows.map((row) => row.sha256);
  }

  async storageBytes(): Promise<number> {
    // sum() of a BIGINT is NUMERIC in PostgreSQL: cast back to an integer type.
    const row = await this.sql.get<{ total: number }>('media.storage_bytes', 'SELECT coalesce(sum(bytes), 0)::bigint AS total FROM media_blobs');
    return row?.total ?? 0;
  }
}
