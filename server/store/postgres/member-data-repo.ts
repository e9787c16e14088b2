/**
 * PostgreSQL twin of member-data-repo.ts: a deleted member's data moved to another account or deleted. Run
 * both inside `Store.transaction` (several statements; the counts follow by trigger, the rest by cascade).
 * Writes announce what they changed, so caches drop the old owner's and the new owner's lists.
 */
import type { MemberDataCounts, MemberDataRepo } from '../member-data-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

/** Tables that hold a `user_id` as owner and move with a transfer (fixed names, never input). */
type OwnedTable = 'projects' | 'conversations' | 'archived_conversations' | 'media_files' | 'responses';

export class PgMemberDataRepo implements RepoApi<MemberDataRepo> {
  constructor(
    private readonly sql: PgSql,
    private readonly announce: AnnounceChange,
  ) {}

  async transfer(from: string, to: string): Promise<MemberDataCounts> {
    const projects = await this.move('projects', from, to);
    const conversations = await this.move('conversations', from, to);
    const counts = {
      projects: projects.length,
      conversations: conversations.length,
      archived_conversations: (await this.move('archived_conversations', from, to)).length,
      media_files: (await this.move('media_files', from, to)).length,
      responses: (await this.move('responses', from, to)).length,
    };
    // A half-done upload belongs to its uploader's client; it is dropped, not moved.
    await this.sql.run('member_data.transfer', 'DELETE FROM media_upload_slots WHERE user_id = $1', [from]);
    for (const { id } of projects) for (const userId of [from, to]) this.announce({ entity: 'project', userId, id });
    for (const { id } of conversations) for (const userId of [from, to]) this.announce({ entity: 'conversation', userId, id });
    return counts;
  }

  async deleteAll(userId: string): Promise<MemberDataCounts> {
    const archived = await this.count('archived_conversations', userId);
    const media = await this.count('media_files', userId);
    const responses = await this.count('responses', userId);
    const conversations = await this.sql.all<{ id: string }>('member_data.delete', 'DELETE FROM conversations WHERE user_id = $1 RETURNING id', [userId]);
    const projects = await this.sql.all<{ id: string }>('member_data.delete', 'DELETE FROM projects WHERE user_id = $1 RETURNING id', [userId]);
    for (const { id } of conversations) this.announce({ entity: 'conversation', userId, id });
    for (const { id } of projects) this.announce({ entity: 'project', userId, id });
    return { projects: projects.length, conversations: conversations.length, archived_conversations: archived, media_files: media, responses };
  }

  private move(table: OwnedTable, from: string, to: string): Promise<Array<{ id: string }>> {
    return this.sql.all('member_data.transfer', `UPDATE ${table} SET user_id = $2 WHERE user_id = $1 RETURNING id`, [from, to]);
  }

  private async count(table: OwnedTable, userId: string): Promise<number> {
    return (await this.sql.get<{ n: number }>('member_data.delete', `SELECT count(*) AS n FROM ${table} WHERE user_id = $1`, [userId]))!.n;
  }
}
