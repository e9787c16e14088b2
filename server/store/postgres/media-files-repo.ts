/**
 * PostgreSQL twin of media-files-repo.ts: files and blobs, same rows, same page order. Unlike SQLite, other
 * writers run between this repository's statements, so dropping a blob row re-checks in its own statement
 * that no file refers to it (a file added meanwhile keeps its blob).
 */
import type { MediaBlobRow, MediaFileRow, MediaFilesRepo, NewMediaFile } from '../media-files-repo.js';
import { keysetClauses, toPage, type Page, type PageRequest, type SortOrder } from '../page.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const columns = 'f.seq, f.id, f.user_id, f.sha256, f.filename, f.source, f.purpose, f.created_at, b.bytes, b.mime_type';
const joined = 'media_files f JOIN media_blobs b ON b.sha256 = f.sha256';
const deleteOrphan = `DELETE FROM media_blobs b WHERE b.sha256 = $1
  AND NOT EXISTS (SELECT 1 FROM media_files f WHERE f.sha256 = b.sha256)`;

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

  async insertBlob(row: MediaBlobRow): Promise<boolean> {
    const changed = await this.sql.run(
      'media.insert_blob',
      `INSERT INTO media_blobs (sha256, bytes, mime_type, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`,
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

  async deleteFile(userId: string, id: string): Promise<{ deleted: boolean; orphanSha256?: string }> {
    const removed = await this.sql.get<{ sha256: string }>(
      'media.delete_file',
      'DELETE FROM media_files WHERE user_id = $1 AND id = $2 RETURNING sha256',
      [userId, id],
    );
    if (!removed) return { deleted: false };
    if ((await this.sql.run('media.delete_file', deleteOrphan, [removed.sha256])) === 0) return { deleted: true };
    return { deleted: true, orphanSha256: removed.sha256 };
  }

  async deleteOrphanBlobs(): Promise<string[]> {
    const rows = await this.sql.all<{ sha256: string }>(
      'media.delete_orphans',
      'DELETE FROM media_blobs b WHERE NOT EXISTS (SELECT 1 FROM media_files f WHERE f.sha256 = b.sha256) RETURNING sha256',
    );
    return rows.map((row) => row.sha256);
  }

  async storageBytes(): Promise<number> {
    // sum() of a BIGINT is NUMERIC in PostgreSQL: cast back to an integer type.
    const row = await this.sql.get<{ total: number }>('media.storage_bytes', 'SELECT coalesce(sum(bytes), 0)::bigint AS total FROM media_blobs');
    return row?.total ?? 0;
  }
}
