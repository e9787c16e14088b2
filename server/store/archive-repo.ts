/**
 * Bookkeeping of archived conversations: which archive file holds each one and at which byte range, plus
 * the reads and writes that move conversations between the hot tables and the archive. Callers wrap each
 * move (record + delete, or insert + forget) in `Store.transaction`. Moving a conversation out, back in or
 * forgetting its archived copy announces the conversation (store-changes.ts); the bookkeeping of archive
 * files changes nothing the API shows and announces nothing.
 */
import type Database from 'better-sqlite3';
import type { ConversationRow } from './conversations-repo.js';
import type { ItemRow } from './items-repo.js';
import type { QueryTimer } from './query-timer.js';
import type { AnnounceChange } from './store-changes.js';

export interface ArchivedRow {
  id: string;
  user_id: string;
  project_id: string | null;
  title: string | null;
  file_id: number;
  byte_offset: number;
  byte_length: number;
  items: number;
  created_at: number;
  updated_at: number;
  archived_at: number;
}

export interface ArchiveFileRow {
  id: number;
  name: string;
  created_at: number;
  /** Archived conversations still in it, and their bytes. */
  members: number;
  live_bytes: number;
}

const conversationColumns = 'seq, id, user_id, project_id, title, metadata, referrer, created_at, updated_at';
const archivedColumns = 'id, user_id, project_id, title, file_id, byte_offset, byte_length, items, created_at, updated_at, archived_at';

export class ArchiveRepo {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly timer: QueryTimer,
    private readonly announce: AnnounceChange,
  ) {
    this.s = {
      candidates: db.prepare<{ cutoff: number; limit: number }, ConversationRow>(
        `SELECT ${conversationColumns} FROM conversations
         WHERE updated_at <= @cutoff AND (restored_at IS NULL OR restored_at <= @cutoff) ORDER BY updated_at LIMIT @limit`,
      ),
      items: db.prepare<[number], ItemRow>('SELECT seq, id, conversation_seq, type, body, created_at FROM items WHERE conversation_seq = ? ORDER BY seq'),
      insertFile: db.prepare<[string, number]>('INSERT INTO archive_files (name, created_at) VALUES (?, ?)'),
      insert: db.prepare<ArchivedRow>(
        `INSERT INTO archived_conversations (${archivedColumns})
         VALUES (@id, @user_id, @project_id, @title, @file_id, @byte_offset, @byte_length, @items, @created_at, @updated_at, @archived_at)`,
      ),
      deleteHot: db.prepare<[number, number]>('DELETE FROM conversations WHERE seq = ? AND updated_at = ?'),
      find: db.prepare<[string, string], ArchivedRow>(`SELECT ${archivedColumns} FROM archived_conversations WHERE user_id = ? AND id = ?`),
      remove: db.prepare<[string, string]>('DELETE FROM archived_conversations WHERE user_id = ? AND id = ?'),
      insertRestored: db.prepare<Omit<ConversationRow, 'seq'> & { restored_at: number }>(
        `INSERT INTO conversations (id, user_id, project_id, title, metadata, referrer, created_at, updated_at, restored_at)
         VALUES (@id, @user_id, @project_id, @title, @metadata, @referrer, @created_at, @updated_at, @restored_at)`,
      ),
      listByUser: db.prepare<{ userId: string; afterCreatedAt: number; afterId: string; limit: number }, ArchivedRow>(
        `SELECT ${archivedColumns} FROM archived_conversations WHERE user_id = @userId AND (created_at, id) > (@afterCreatedAt, @afterId)
         ORDER BY created_at, id LIMIT @limit`,
      ),
      files: db.prepare<[], ArchiveFileRow>(
        `SELECT f.id, f.name, f.created_at, count(a.id) AS members, coalesce(sum(a.byte_length), 0) AS live_bytes
         FROM archive_files f LEFT JOIN archived_conversations a ON a.file_id = f.id GROUP BY f.id ORDER BY f.id`,
      ),
      fileMembers: db.prepare<[number], ArchivedRow>(`SELECT ${archivedColumns} FROM archived_conversations WHERE file_id = ? ORDER BY byte_offset`),
      fileName: db.prepare<[number], { name: string }>('SELECT name FROM archive_files WHERE id = ?'),
      move: db.prepare<[number, number, string]>('UPDATE archived_conversations SET file_id = ?, byte_offset = ? WHERE id = ?'),
      deleteFile: db.prepare<[number]>('DELETE FROM archive_files WHERE id = ?'),
    };
  }

  /** Conversations unchanged since `cutoff` (and not restored since then), least recently changed first. */
  candidates(cutoff: number, limit: number): ConversationRow[] {
    return this.timer.run('archive.candidates', () => this.s.candidates.all({ cutoff, limit }));
  }

  itemsOf(conversationSeq: number): ItemRow[] {
    return this.timer.run('archive.items', () => this.s.items.all(conversationSeq));
  }

  createFile(name: string, createdAt: number): number {
    return this.timer.run('archive.create_file', () => Number(this.s.insertFile.run(name, createdAt).lastInsertRowid));
  }

  /** Records the archived copy and deletes the hot row (and its items), unless it changed meanwhile. */
  moveOut(row: ArchivedRow, seq: number): boolean {
    const moved = this.timer.run('archive.move_out', () => {
      if (this.s.deleteHot.run(seq, row.updated_at).changes !== 1) return false;
      this.s.insert.run(row);
      return true;
    });
    if (moved) this.announce({ entity: 'conversation', userId: row.user_id, id: row.id });
    return moved;
  }

  find(userId: string, id: string): ArchivedRow | undefined {
    return this.timer.run('archive.find', () => this.s.find.get(userId, id));
  }

  /** Forgets the archived copy (restored or deleted). */
  remove(userId: string, id: string): boolean {
    const removed = this.timer.run('archive.remove', () => this.s.remove.run(userId, id).changes === 1);
    if (removed) this.announce({ entity: 'conversation', userId, id });
    return removed;
  }

  /** Inserts a conversation coming back from the archive; returns its new seq. */
  insertRestored(row: Omit<ConversationRow, 'seq'>, restoredAt: number): number {
    const seq = this.timer.run('archive.insert_restored', () => Number(this.s.insertRestored.run({ ...row, restored_at: restoredAt }).lastInsertRowid));
    this.announce({ entity: 'conversation', userId: row.user_id, id: row.id });
    return seq;
  }

  /** The user's archived conversations in (created_at, id) order, after the given position. */
  listByUser(userId: string, after: { created_at: number; id: string } | undefined, limit: number): ArchivedRow[] {
    return this.timer.run('archive.list', () =>
      this.s.listByUser.all({ userId, afterCreatedAt: after?.created_at ?? -1, afterId: after?.id ?? '', limit }),
    );
  }

  files(): ArchiveFileRow[] {
    return this.timer.run('archive.files', () => this.s.files.all());
  }

  fileMembers(fileId: number): ArchivedRow[] {
    return this.timer.run('archive.file_members', () => this.s.fileMembers.all(fileId));
  }

  fileName(fileId: number): string | undefined {
    return this.timer.run('archive.file_name', () => this.s.fileName.get(fileId)?.name);
  }

  moveMember(id: string, fileId: number, offset: number): void {
    this.timer.run('archive.move_member', () => this.s.move.run(fileId, offset, id));
  }

  deleteFile(fileId: number): void {
    this.timer.run('archive.delete_file', () => this.s.deleteFile.run(fileId));
  }
}
