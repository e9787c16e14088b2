/** PostgreSQL twin of conversations-repo.ts: every write announces the conversation it changed. */
import type { ConversationListRequest, ConversationRow, ConversationsRepo } from '../conversations-repo.js';
import { toPage, type Page } from '../page.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import { pgKeyset } from './pg-page.js';
import type { PgSql } from './pg-sql.js';

const columns = 'seq, id, user_id, project_id, title, metadata, referrer, created_at, updated_at';

type Owner = { user_id: string; id: string };

export class PgConversationsRepo implements RepoApi<ConversationsRepo> {
  constructor(
    private readonly sql: PgSql,
    private readonly announce: AnnounceChange,
  ) {}

  /** Inserts and returns the new row's seq. */
  async insert(row: Omit<ConversationRow, 'seq'>): Promise<number> {
    const inserted = await this.sql.get<{ seq: number }>(
      'conversations.insert',
      `INSERT INTO conversations (id, user_id, project_id, title, metadata, referrer, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq`,
      [row.id, row.user_id, row.project_id, row.title, row.metadata, row.referrer, row.created_at, row.updated_at],
    );
    this.announce({ entity: 'conversation', userId: row.user_id, id: row.id });
    return inserted!.seq;
  }

  async get(userId: string, id: string): Promise<ConversationRow | undefined> {
    return this.sql.get('conversations.get', `SELECT ${columns} FROM conversations WHERE user_id = $1 AND id = $2`, [userId, id]);
  }

  async list(request: ConversationListRequest): Promise<Page<ConversationRow>> {
    const inProject = request.projectId !== undefined;
    const { where, orderBy, values } = pgKeyset(
      request.order,
      request.after,
      inProject ? [request.userId, request.limit + 1, request.projectId] : [request.userId, request.limit + 1],
    );
    const rows = await this.sql.all<ConversationRow>(
      'conversations.list',
      `SELECT ${columns} FROM conversations WHERE user_id = $1 ${inProject ? 'AND project_id = $3' : ''} ${where} ${orderBy} LIMIT $2`,
      values,
    );
    return toPage(rows, request.limit);
  }

  /** Counts kept by triggers (the baseline's plpgsql functions), one row each; no row means none. */
  async count(userId: string, projectId?: string): Promise<number> {
    const row = projectId === undefined
      ? await this.sql.get<{ n: number }>('conversations.count', 'SELECT n FROM conversation_counts WHERE user_id = $1', [userId])
      : await this.sql.get<{ n: number }>(
        'conversations.count',
        'SELECT n FROM project_conversation_counts WHERE user_id = $1 AND project_id = $2',
        [userId, projectId],
      );
    return row?.n ?? 0;
  }

  async update(seq: number, title: string | null, metadata: string, updatedAt: number): Promise<void> {
    this.changed(await this.sql.get<Owner>(
      'conversations.update',
      'UPDATE conversations SET title = $2, metadata = $3, updated_at = $4 WHERE seq = $1 RETURNING user_id, id',
      [seq, title, metadata, updatedAt],
    ));
  }

  async touch(seq: number, updatedAt: number): Promise<void> {
    this.changed(await this.sql.get<Owner>('conversations.touch', 'UPDATE conversations SET updated_at = $1 WHERE seq = $2 RETURNING user_id, id', [updatedAt, seq]));
  }

  /** Deletes the conversation and (by cascade) its items. */
  async delete(userId: string, id: string): Promise<boolean> {
    const deleted = (await this.sql.run('conversations.delete', 'DELETE FROM conversations WHERE user_id = $1 AND id = $2', [userId, id])) === 1;
    if (deleted) this.changed({ user_id: userId, id });
    return deleted;
  }

  private changed(owner: Owner | undefined): void {
    if (owner) this.announce({ entity: 'conversation', userId: owner.user_id, id: owner.id });
  }
}
