import type Database from 'better-sqlite3';
import { keysetClauses, toPage, type Page, type PageRequest } from './page.js';
import type { QueryTimer } from './query-timer.js';
import type { AnnounceChange } from './store-changes.js';

export interface ProjectRow {
  seq: number;
  id: string;
  user_id: string;
  name: string;
  instruction: string | null;
  is_favorite: number;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ProjectChanges {
  name?: string;
  instruction?: string | null;
  is_favorite?: number;
  archived_at?: number | null;
  updated_at: number;
}

const columns = 'seq, id, user_id, name, instruction, is_favorite, archived_at, created_at, updated_at';

/**
 * Projects are soft-deleted (as in Jan Server): a deleted project is gone from every read. Every write that
 * changed a row announces the project (store-changes.ts).
 */
export class ProjectsRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly listAfterStmt;
  private readonly updateStmt;
  private readonly deleteStmt;

  constructor(
    db: Database.Database,
    private readonly timer: QueryTimer,
    private readonly announce: AnnounceChange,
  ) {
    this.insertStmt = db.prepare<Omit<ProjectRow, 'seq'>>(
      `INSERT INTO projects (id, user_id, name, instruction, is_favorite, archived_at, created_at, updated_at)
       VALUES (@id, @user_id, @name, @instruction, @is_favorite, @archived_at, @created_at, @updated_at)`,
    );
    this.getStmt = db.prepare<[string, string], ProjectRow>(
      `SELECT ${columns} FROM projects WHERE user_id = ? AND id = ? AND deleted_at IS NULL`,
    );
    const list = (hasAfter: boolean) => {
      const { where, orderBy } = keysetClauses('desc', hasAfter);
      return db.prepare<Record<string, unknown>, ProjectRow>(
        `SELECT ${columns} FROM projects WHERE user_id = @userId AND deleted_at IS NULL ${where} ${orderBy} LIMIT @limit`,
      );
    };
    this.listStmt = list(false);
    this.listAfterStmt = list(true);
    this.updateStmt = db.prepare<Record<string, unknown>>(
      `UPDATE projects SET
         name = coalesce(@name, name),
         instruction = CASE WHEN @setInstruction THEN @instruction ELSE instruction END,
         is_favorite = coalesce(@is_favorite, is_favorite),
         archived_at = CASE WHEN @setArchived THEN @archived_at ELSE archived_at END,
         updated_at = @updated_at
       WHERE user_id = @userId AND id = @id AND deleted_at IS NULL`,
    );
    this.deleteStmt = db.prepare<[number, string, string]>(
      'UPDATE projects SET deleted_at = ? WHERE user_id = ? AND id = ? AND deleted_at IS NULL',
    );
  }

  insert(row: Omit<ProjectRow, 'seq'>): void {
    this.timer.run('projects.insert', () => this.insertStmt.run(row));
    this.announce({ entity: 'project', userId: row.user_id, id: row.id });
  }

  get(userId: string, id: string): ProjectRow | undefined {
    return this.timer.run('projects.get', () => this.getStmt.get(userId, id));
  }

  /** Newest first. */
  list(userId: string, page: Omit<PageRequest, 'order'>): Page<ProjectRow> {
    return this.timer.run('projects.list', () => {
      const params = { userId, limit: page.limit + 1, afterCreatedAt: page.after?.created_at, afterSeq: page.after?.seq };
      const rows = page.after ? this.listAfterStmt.all(params) : this.listStmt.all({ userId, limit: page.limit + 1 });
      return toPage(rows, page.limit);
    });
  }

  update(userId: string, id: string, changes: ProjectChanges): boolean {
    const updated = this.timer.run('projects.update', () => {
      const result = this.updateStmt.run({
        userId,
        id,
        name: changes.name ?? null,
        setInstruction: changes.instruction === undefined ? 0 : 1,
        instruction: changes.instruction ?? null,
        is_favorite: changes.is_favorite ?? null,
        setArchived: changes.archived_at === undefined ? 0 : 1,
        archived_at: changes.archived_at ?? null,
        updated_at: changes.updated_at,
      });
      return result.changes === 1;
    });
    if (updated) this.announce({ entity: 'project', userId, id });
    return updated;
  }

  softDelete(userId: string, id: string, at: number): boolean {
    const deleted = this.timer.run('projects.delete', () => this.deleteStmt.run(at, userId, id).changes === 1);
    if (deleted) this.announce({ entity: 'project', userId, id });
    return deleted;
  }
}
