/**
 * PostgreSQL twin of archive-repo.ts: which archive file holds each archived conversation, and the moves
 * between the hot tables and the archive. Callers wrap each move in `Store.transaction`; moving a conversation
 * out, back in or forgetting its archived copy announces the conversation, as on SQLite.
 */
import type { ArchivedRow, ArchiveFileRow, ArchiveRepo } from '../archive-repo.js';
import type { ConversationRow } from '../conversations-repo.js';
import type { ItemRow } from '../items-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const conversationColumns = 'seq, id, user_id, project_id, title, metadata, referrer, created_at, updated_at';
const archivedColumns = 'id, user_id, project_id, title, file_id, byte_offset, byte_length, items, created_at, updated_at, archived_at';

export class PgArchiveRepo implements RepoApi<ArchiveRepo> {
  constructor(
    private readonly sql: PgSql,
    private readonly announce: AnnounceChange,
  ) {}

  /** Least recently changed first; ties in insertion order, as SQLite's index on updated_at gives them. */
  async candidates(cutoff: number, limit: number): Promise<ConversationRow[]> {
    return this.sql.all(
      'archive.candidates',
      `SELECT ${conversationColumns} FROM conversations
       WHERE updated_at <= $1 AND (restored_at IS NULL OR restored_at <= $1) ORDER BY updated_at, seq LIMIT $2`,
      [cutoff, limit],
    );
  }

  async itemsOf(conversationSeq: number): Promise<ItemRow[]> {
    return this.sql.all(
      'archive.items',
      'SELECT seq, id, conversation_seq, type, body, created_at FROM items WHERE conversation_seq = $1 ORDER BY seq',
      [conversationSeq],
    );
  }

  async createFile(name: string, createdAt: number): Promise<number> {
    const row = await this.sql.get<{ id: number }>('archive.create_file', 'INSERT INTO archive_files (name, created_at) VALUES ($1, $2) RETURNING id', [
      name,
      createdAt,
    ]);
    return Number(row!.id);
  }

  /** Records the archived copy and deletes the hot row (and its items), unless it changed meanwhile. */
  async moveOut(row: ArchivedRow, seq: number): Promise<boolean> {
    const deleted = await this.sql.run('archive.move_out', 'DELETE FROM conversations WHERE seq = $1 AND updated_at = $2', [seq, row.updated_at]);
    if (deleted !== 1) return false;
    await this.sql.run(
      'archive.move_out',
      `INSERT INTO archived_conversations (${archivedColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        row.id,
        row.user_id,
        row.project_id,
        row.title,
        row.file_id,
        row.byte_offset,
        row.byte_length,
        row.items,
        row.created_at,
        row.updated_at,
        row.archived_at,
      ],
    );
    this.announce({ entity: 'conversation', userId: row.user_id, id: row.id });
    return true;
  }

  async find(userId: string, id: string): Promise<ArchivedRow | undefined> {
    return this.sql.get('archive.find', `SELECT ${archivedColumns} FROM archived_conversations WHERE user_id = $1 AND id = $2`, [userId, id]);
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const removed = (await this.sql.run('archive.remove', 'DELETE FROM archived_conversations WHERE user_id = $1 AND id = $2', [userId, id])) === 1;
    if (removed) this.announce({ entity: 'conversation', userId, id });
    return removed;
  }

  async insertRestored(row: Omit<ConversationRow, 'seq'>, restoredAt: number): Promise<number> {
    const inserted = await this.sql.get<{ seq: number }>(
      'archive.insert_restored',
      `INSERT INTO conversations (id, user_id, project_id, title, metadata, referrer, created_at, updated_at, restored_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq`,
      [row.id, row.user_id, row.project_id, row.title, row.metadata, row.referrer, row.created_at, row.updated_at, restoredAt],
    );
    this.announce({ entity: 'conversation', userId: row.user_id, id: row.id });
    return Number(inserted!.seq);
  }

  /** In (created_at, id) order after the given position (text columns are COLLATE "C": bytewise, as in SQLite). */
  async listByUser(userId: string, after: { created_at: number; id: string } | undefined, limit: number): Promise<ArchivedRow[]> {
    return this.sql.all(
      'archive.list',
      `SELECT ${archivedColumns} FROM archived_conversations WHERE user_id = $1 AND (created_at, id) > ($2, $3)
       ORDER BY created_at, id LIMIT $4`,
      [userId, after?.created_at ?? -1, after?.id ?? '', limit],
    );
  }

  async files(): Promise<ArchiveFileRow[]> {
    return this.sql.all(
      'archive.files',
      `SELECT f.id, f.name, f.created_at, count(a.id) AS members, coalesce(sum(a.byte_length), 0)::bigint AS live_bytes
       FROM archive_files f LEFT JOIN archived_conversations a ON a.file_id = f.id GROUP BY f.id ORDER BY f.id`,
    );
  }

  async fileMembers(fileId: number): Promise<ArchivedRow[]> {
    return this.sql.all('archive.file_members', `SELECT ${archivedColumns} FROM archived_conversations WHERE file_id = $1 ORDER BY byte_offset`, [
      fileId,
    ]);
  }

  async fileName(fileId: number): Promise<string | undefined> {
    return (await this.sql.get<{ name: string }>('archive.file_name', 'SELECT name FROM archive_files WHERE id = $1', [fileId]))?.name;
  }

  async moveMember(id: string, fileId: number, offset: number): Promise<void> {
    await this.sql.run('archive.move_member', 'UPDATE archived_conversations SET file_id = $1, byte_offset = $2 WHERE id = $3', [fileId, offset, id]);
  }

  async deleteFile(fileId: number): Promise<void> {
    await this.sql.run('archive.delete_file', 'DELETE FROM archive_files WHERE id = $1', [fileId]);
  }
}
