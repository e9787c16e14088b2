/**
 * What happens to a member's data when an admin deletes the member: moved to another account, or deleted.
 * Every table that holds a `user_id` as owner (migrations 001–009, 012): projects, conversations (their items
 * follow by `conversation_seq`; the per-user counts follow by trigger, migration 006), archived conversations,
 * media files, stored responses, pending presigned-upload slots, and the account's own credentials (keys,
 * sessions, password, reset links), which are never transferred. Run both inside `Store.transaction`.
 *
 * Writes announce what they changed, so that caches drop the old owner's and the new owner's lists.
 */
import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';
import type { AnnounceChange } from './store-changes.js';

export interface MemberDataCounts {
  projects: number;
  conversations: number;
  archived_conversations: number;
  media_files: number;
  responses: number;
}

export class MemberDataRepo {
  private readonly s;

  constructor(db: Database.Database, private readonly timer: QueryTimer, private readonly announce: AnnounceChange) {
    const move = (table: string) => db.prepare<{ from: string; to: string }, { id: string }>(
      `UPDATE ${table} SET user_id = @to WHERE user_id = @from RETURNING id`,
    );
    const count = (table: string) => db.prepare<[string], number>(`SELECT count(*) FROM ${table} WHERE user_id = ?`).pluck();
    this.s = {
      moveProjects: move('projects'),
      moveConversations: move('conversations'),
      moveArchived: move('archived_conversations'),
      moveMedia: move('media_files'),
      moveResponses: move('responses'),
      // A half-done upload belongs to its uploader's client; it is dropped, not moved.
      dropUploadSlots: db.prepare<[string]>('DELETE FROM media_upload_slots WHERE user_id = ?'),
      deleteConversations: db.prepare<[string], { id: string }>('DELETE FROM conversations WHERE user_id = ? RETURNING id'),
      deleteProjects: db.prepare<[string], { id: string }>('DELETE FROM projects WHERE user_id = ? RETURNING id'),
      countArchived: count('archived_conversations'),
      countMedia: count('media_files'),
      countResponses: count('responses'),
    };
  }

  /** Moves everything `from` owns to `to`; answers how many rows of each kind moved. */
  transfer(from: string, to: string): MemberDataCounts {
    return this.timer.run('member_data.transfer', () => {
      const ids = { from, to };
      const projects = this.s.moveProjects.all(ids);
      const conversations = this.s.moveConversations.all(ids);
      const counts = {
        projects: projects.length,
        conversations: conversations.length,
        archived_conversations: this.s.moveArchived.all(ids).length,
        media_files: this.s.moveMedia.all(ids).length,
        responses: this.s.moveResponses.all(ids).length,
      };
      this.s.dropUploadSlots.run(from);
      for (const { id } of projects) for (const userId of [from, to]) this.announce({ entity: 'project', userId, id });
      for (const { id } of conversations) for (const userId of [from, to]) this.announce({ entity: 'conversation', userId, id });
      return counts;
    });
  }

  /**
   * Deletes the conversations and projects of `userId` (announcing them); the rest goes with the account's
   * row by cascade when the caller deletes it. Answers what there was.
   */
  deleteAll(userId: string): MemberDataCounts {
    return this.timer.run('member_data.delete', () => {
      const counts = {
        projects: 0,
        conversations: 0,
        archived_conversations: this.s.countArchived.get(userId)!,
        media_files: this.s.countMedia.get(userId)!,
        responses: this.s.countResponses.get(userId)!,
      };
      const conversations = this.s.deleteConversations.all(userId);
      const projects = this.s.deleteProjects.all(userId);
      for (const { id } of conversations) this.announce({ entity: 'conversation', userId, id });
      for (const { id } of projects) this.announce({ entity: 'project', userId, id });
      return { ...counts, conversations: conversations.length, projects: projects.length };
    });
  }
}
