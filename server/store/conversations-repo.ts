import type Database from 'better-sqlite3';
import { keysetClauses, toPage, type Page, type PageRequest, type SortOrder } from './page.js';
import type { QueryTimer } from './query-timer.js';
import type { AnnounceChange } from './store-changes.js';

export interface ConversationRow {
  seq: number;
  id: string;
  user_id: string;
  project_id: string | null;
  title: string | null;
  metadata: string;
  referrer: string | null;
  created_at: number;
  updated_at: number;
}

export interface ConversationListRequest extends PageRequest {
  userId: string;
  /** Only conversations of this project; undefined lists all of the user's conversations. */
  projectId?: string | undefined;
}

const columns = 'seq, id, user_id, project_id, title, metadata, referrer, created_at, updated_at';

type Owner = { user_id: string; id: string };

/** Every write announces the conversation it changed (store-changes.ts). */
export class ConversationsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly updateStmt;
  private readonly touchStmt;
  private readonly deleteStmt;
  private readonly countStmt;
  private readonly countInProjectStmt;
  /** One prepared statement per (order, project filter, cursor) shape, made once. */
  private readonly listStmts = new Map<string, Database.Statement<Record<string, unknown>, ConversationRow>>();

  constructor(
    db: Database.Database,
    private readonly timer: QueryTimer,
    private readonly announce: AnnounceChange,
  ) {
    this.insertStmt = db.prepare<Omit<ConversationRow, 'seq'>>(
      `INSERT INTO conversations (id, user_id, project_id, title, metadata, referrer, created_at, updated_at)
       VALUES (@id, @user_id, @project_id, @title, @metadata, @referrer, @created_at, @updated_at)`,
    );
    this.getStmt = db.prepare<[string, string], ConversationRow>(`SELECT ${columns} FROM conversations WHERE user_id = ? AND id = ?`);
    // Updates by seq say whose conversation they changed.
    this.updateStmt = db.prepare<{ seq: number; title: string | null; metadata: string; updated_at: number }, Owner>(
      'UPDATE conversations SET title = @title, metadata = @metadata, updated_at = @updated_at WHERE seq = @seq RETURNING user_id, id',
    );
    this.touchStmt = db.prepare<[number, number], Owner>('UPDATE conversations SET updated_at = ? WHERE seq = ? RETURNING user_id, id');
    this.deleteStmt = db.prepare<[string, string]>('DELETE FROM conversations WHERE user_id = ? AND id = ?');
    // Counts kept by triggers (migration 006), exact and one row each; no row means none.
    this.countStmt = db.prepare<[string], { n: number }>('SELECT n FROM conversation_counts WHERE user_id = ?');
    this.countInProjectStmt = db.prepare<[string, string], { n: number }>(
      'SELECT n FROM project_conversation_counts WHERE user_id = ? AND project_id = ?',
    );
    for (const order of ['asc', 'desc'] as SortOrder[]) {
      for (const inProject of [false, true]) {
        for (const hasAfter of [false, true]) {
          const { where, orderBy } = keysetClauses(order, hasAfter);
          const project = inProject ? 'AND project_id = @projectId' : '';
          this.listStmts.set(
            `${order}:${inProject}:${hasAfter}`,
            db.prepare(`SELECT ${columns} FROM conversations WHERE user_id = @userId ${project} ${where} ${orderBy} LIMIT @limit`),
          );
        }
      }
    }
  }

  /** Inserts and returns the new row's seq. */
  insert(row: Omit<ConversationRow, 'seq'>): number {
    const seq = this.timer.run('conversations.insert', () => Number(this.insertStmt.run(row).lastInsertRowid));
    this.announce({ entity: 'conversation', userId: row.user_id, id: row.id });
    return seq;
  }

  get(userId: string, id: string): ConversationRow | undefined {
    return this.timer.run('conversations.get', () => this.getStmt.get(userId, id));
  }

  list(request: ConversationListRequest): Page<ConversationRow> {
    return this.timer.run('conversations.list', () => {
      const stmt = this.listStmts.get(`${request.order}:${request.projectId !== undefined}:${request.after !== undefined}`)!;
      const rows = stmt.all({
        userId: request.userId,
        projectId: request.projectId,
        afterCreatedAt: request.after?.created_at,
        afterSeq: request.after?.seq,
        limit: request.limit + 1,
      });
      return toPage(rows, request.limit);
    });
  }

  count(userId: string, projectId?: string): number {
    return this.timer.run('conversations.count', () =>
      (projectId === undefined ? this.countStmt.get(userId) : this.countInProjectStmt.get(userId, projectId))?.n ?? 0,
    );
  }

  update(seq: number, title: string | null, metadata: string, updatedAt: number): void {
    this.changed(this.timer.run('conversations.update', () => this.updateStmt.get({ seq, title, metadata, updated_at: updatedAt })));
  }

  touch(seq: number, updatedAt: number): void {
    this.changed(this.timer.run('conversations.touch', () => this.touchStmt.get(updatedAt, seq)));
  }

  /** Deletes the conversation and (by cascade) its items. */
  delete(userId: string, id: string): boolean {
    const deleted = this.timer.run('conversations.delete', () => this.deleteStmt.run(userId, id).changes === 1);
    if (deleted) this.changed({ user_id: userId, id });
    return deleted;
  }

  private changed(owner: Owner | undefined): void {
    if (owner) this.announce({ entity: 'conversation', userId: owner.user_id, id: owner.id });
  }
}
