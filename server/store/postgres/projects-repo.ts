/** PostgreSQL twin of projects-repo.ts: soft-deleted projects; every write that changed a row announces it. */
import type { Page, PageRequest } from '../page.js';
import { toPage } from '../page.js';
import type { ProjectChanges, ProjectRow, ProjectsRepo } from '../projects-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import { pgKeyset } from './pg-page.js';
import type { PgSql } from './pg-sql.js';

const columns = 'seq, id, user_id, name, instruction, is_favorite, archived_at, created_at, updated_at';

export class PgProjectsRepo implements RepoApi<ProjectsRepo> {
  constructor(
    private readonly sql: PgSql,
    private readonly announce: AnnounceChange,
  ) {}

  async insert(row: Omit<ProjectRow, 'seq'>): Promise<void> {
    await this.sql.run(
      'projects.insert',
      `INSERT INTO projects (id, user_id, name, instruction, is_favorite, archived_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.id, row.user_id, row.name, row.instruction, row.is_favorite, row.archived_at, row.created_at, row.updated_at],
    );
    this.announce({ entity: 'project', userId: row.user_id, id: row.id });
  }

  async get(userId: string, id: string): Promise<ProjectRow | undefined> {
    return this.sql.get('projects.get', `SELECT ${columns} FROM projects WHERE user_id = $1 AND id = $2 AND deleted_at IS NULL`, [userId, id]);
  }

  /** Newest first. */
  async list(userId: string, page: Omit<PageRequest, 'order'>): Promise<Page<ProjectRow>> {
    const { where, orderBy, values } = pgKeyset('desc', page.after, [userId, page.limit + 1]);
    const rows = await this.sql.all<ProjectRow>(
      'projects.list',
      `SELECT ${columns} FROM projects WHERE user_id = $1 AND deleted_at IS NULL ${where} ${orderBy} LIMIT $2`,
      values,
    );
    return toPage(rows, page.limit);
  }

  async update(userId: string, id: string, changes: ProjectChanges): Promise<boolean> {
    const changed = await this.sql.run(
      'projects.update',
      `UPDATE projects SET
         name = coalesce($3::text, name),
         instruction = CASE WHEN $4::boolean THEN $5::text ELSE instruction END,
         is_favorite = coalesce($6::integer, is_favorite),
         archived_at = CASE WHEN $7::boolean THEN $8::bigint ELSE archived_at END,
         updated_at = $9
       WHERE user_id = $1 AND id = $2 AND deleted_at IS NULL`,
      [
        userId, id,
        changes.name ?? null,
        changes.instruction !== undefined, changes.instruction ?? null,
        changes.is_favorite ?? null,
        changes.archived_at !== undefined, changes.archived_at ?? null,
        changes.updated_at,
      ],
    );
    if (changed === 1) this.announce({ entity: 'project', userId, id });
    return changed === 1;
  }

  async softDelete(userId: string, id: string, at: number): Promise<boolean> {
    const changed = await this.sql.run(
      'projects.delete',
      'UPDATE projects SET deleted_at = $1 WHERE user_id = $2 AND id = $3 AND deleted_at IS NULL',
      [at, userId, id],
    );
    if (changed === 1) this.announce({ entity: 'project', userId, id });
    return changed === 1;
  }
}
