import type Database from 'better-sqlite3';
import { keysetClauses, toPage, type Page, type PageRequest, type SortOrder } from './page.js';
import type { QueryTimer } from './query-timer.js';

/** A user's file joined with its blob (size and sniffed type belong to the content). */
export interface MediaFileRow {
  seq: number;
  id: string;
  user_id: string;
  sha256: string;
  filename: string;
  /** How it arrived: `upload`, `tus`, `data_url`, `remote_url`, `presigned`. */
  source: string;
  /** OpenAI's file purpose (`user_data` unless uploaded through /v1/files with another). */
  purpose: string;
  created_at: number;
  bytes: number;
  mime_type: string;
}

export interface MediaBlobRow {
  sha256: string;
  bytes: number;
  mime_type: string;
  created_at: number;
}

export type NewMediaFile = Omit<MediaFileRow, 'seq' | 'bytes' | 'mime_type'>;

const columns = 'f.seq, f.id, f.user_id, f.sha256, f.filename, f.source, f.purpose, f.created_at, b.bytes, b.mime_type';
const joined = 'media_files f JOIN media_blobs b ON b.sha256 = f.sha256';

/**
 * Files and blobs. A blob row exists while at least one file refers to it (the foreign key refuses to drop a
 * referenced blob); callers delete the blob's file on disk right after the transaction that dropped its row.
 */
export class MediaFilesRepo {
  private readonly insertBlobStmt;
  private readonly insertFileStmt;
  private readonly getStmt;
  private readonly getAnyStmt;
  private readonly bySha256Stmt;
  private readonly deleteFileStmt;
  private readonly refsStmt;
  private readonly deleteBlobStmt;
  private readonly orphansStmt;
  private readonly storageStmt;
  private readonly listStmts = new Map<string, Database.Statement<Record<string, unknown>, MediaFileRow>>();

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertBlobStmt = db.prepare<MediaBlobRow>(
      `INSERT INTO media_blobs (sha256, bytes, mime_type, created_at) VALUES (@sha256, @bytes, @mime_type, @created_at)
       ON CONFLICT (sha256) DO NOTHING`,
    );
    this.insertFileStmt = db.prepare<NewMediaFile>(
      `INSERT INTO media_files (id, user_id, sha256, filename, source, purpose, created_at)
       VALUES (@id, @user_id, @sha256, @filename, @source, @purpose, @created_at)`,
    );
    this.getStmt = db.prepare<[string, string], MediaFileRow>(`SELECT ${columns} FROM ${joined} WHERE f.user_id = ? AND f.id = ?`);
    this.getAnyStmt = db.prepare<[string], MediaFileRow>(`SELECT ${columns} FROM ${joined} WHERE f.id = ?`);
    this.bySha256Stmt = db.prepare<[string, string, string], MediaFileRow>(
      `SELECT ${columns} FROM ${joined} WHERE f.user_id = ? AND f.sha256 = ? AND f.purpose = ? ORDER BY f.seq LIMIT 1`,
    );
    this.deleteFileStmt = db.prepare<[string, string], { sha256: string }>(
      'DELETE FROM media_files WHERE user_id = ? AND id = ? RETURNING sha256',
    );
    this.refsStmt = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM media_files WHERE sha256 = ?');
    this.deleteBlobStmt = db.prepare<[string]>('DELETE FROM media_blobs WHERE sha256 = ?');
    this.orphansStmt = db.prepare<[], { sha256: string }>(
      'SELECT sha256 FROM media_blobs b WHERE NOT EXISTS (SELECT 1 FROM media_files f WHERE f.sha256 = b.sha256)',
    );
    this.storageStmt = db.prepare<[], { total: number | null }>('SELECT sum(bytes) AS total FROM media_blobs');
    for (const order of ['asc', 'desc'] as SortOrder[]) {
      for (const hasAfter of [false, true]) {
        for (const byPurpose of [false, true]) {
          // keysetClauses' columns, qualified: media_blobs has a created_at too.
          const { where, orderBy } = keysetClauses(order, hasAfter);
          const qualify = (sql: string) => sql.replace(/\bcreated_at\b/g, 'f.created_at').replace(/\bseq\b/g, 'f.seq');
          const purpose = byPurpose ? 'AND f.purpose = @purpose' : '';
          this.listStmts.set(
            `${order}:${hasAfter}:${byPurpose}`,
            db.prepare(`SELECT ${columns} FROM ${joined} WHERE f.user_id = @userId ${purpose} ${qualify(where)} ${qualify(orderBy)} LIMIT @limit`),
          );
        }
      }
    }
  }

  /** Adds the blob unless its content is stored already; true when the row is new. */
  insertBlob(row: MediaBlobRow): boolean {
    return this.timer.run('media.insert_blob', () => this.insertBlobStmt.run(row).changes === 1);
  }

  insertFile(row: NewMediaFile): void {
    this.timer.run('media.insert_file', () => this.insertFileStmt.run(row));
  }

  get(userId: string, id: string): MediaFileRow | undefined {
    return this.timer.run('media.get', () => this.getStmt.get(userId, id));
  }

  /** Whoever owns it: only for requests that proved access another way (a signed URL). */
  getAnyOwner(id: string): MediaFileRow | undefined {
    return this.timer.run('media.get_any', () => this.getAnyStmt.get(id));
  }

  /** The user's earliest file with this content and purpose. */
  findBySha256(userId: string, sha256: string, purpose: string): MediaFileRow | undefined {
    return this.timer.run('media.find_by_sha256', () => this.bySha256Stmt.get(userId, sha256, purpose));
  }

  /** One page of the user's files; only those of `purpose` when given. */
  list(userId: string, page: PageRequest, purpose?: string): Page<MediaFileRow> {
    return this.timer.run('media.list', () => {
      const rows = this.listStmts.get(`${page.order}:${page.after !== undefined}:${purpose !== undefined}`)!.all({
        userId,
        afterCreatedAt: page.after?.created_at,
        afterSeq: page.after?.seq,
        limit: page.limit + 1,
        ...(purpose !== undefined && { purpose }),
      });
      return toPage(rows, page.limit);
    });
  }

  /** Deletes the file; returns its blob's hash when no file refers to the blob any more (its row is gone too). */
  deleteFile(userId: string, id: string): { deleted: boolean; orphanSha256?: string } {
    return this.timer.run('media.delete_file', () => {
      const removed = this.deleteFileStmt.get(userId, id);
      if (!removed) return { deleted: false };
      if (this.refsStmt.get(removed.sha256)!.n > 0) return { deleted: true };
      this.deleteBlobStmt.run(removed.sha256);
      return { deleted: true, orphanSha256: removed.sha256 };
    });
  }

  /** Drops blob rows nobody refers to (e.g. after a user was deleted) and returns their hashes. */
  deleteOrphanBlobs(): string[] {
    return this.timer.run('media.delete_orphans', () => {
      const orphans = this.orphansStmt.all().map((row) => row.sha256);
      for (const sha256 of orphans) this.deleteBlobStmt.run(sha256);
      return orphans;
    });
  }

  /** Bytes on disk for all blobs (each distinct content counted once). */
  storageBytes(): number {
    return this.timer.run('media.storage_bytes', () => this.storageStmt.get()!.total ?? 0);
  }
}
