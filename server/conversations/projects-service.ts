import type { z } from 'zod';
import type { Project, ProjectCreateBody, ProjectListQuery, ProjectUpdateBody } from '../api/projects.js';
import { badRequest, notFound } from '../errors/app-error.js';
import { newId, nowSeconds } from '../store/ids.js';
import type { ProjectRow } from '../store/projects-repo.js';
import type { Store } from '../store/store.js';
import { listEnvelope } from '../api/list-envelope.js';

function projectFromRow(row: ProjectRow): Project {
  return {
    id: row.id,
    object: 'project',
    name: row.name,
    instruction: row.instruction,
    is_favorite: row.is_favorite === 1,
    is_archived: row.archived_at !== null,
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Projects list newest first with Jan's `cursor` / `next_cursor` (the last id of the previous page). */
export class ProjectsService {
  constructor(private readonly store: Store) {}

  private async requireRow(userId: string, id: string): Promise<ProjectRow> {
    const row = await this.store.projects.get(userId, id);
    if (!row) throw notFound('project', id, 'project_id');
    return row;
  }

  async create(userId: string, body: z.infer<typeof ProjectCreateBody>): Promise<Project> {
    const now = nowSeconds();
    const row = {
      id: newId('proj'),
      user_id: userId,
      name: body.name,
      instruction: body.instruction ?? null,
      is_favorite: body.is_favorite ? 1 : 0,
      archived_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.store.projects.insert(row);
    return projectFromRow({ ...row, seq: 0 });
  }

  async get(userId: string, id: string): Promise<Project> {
    return projectFromRow(await this.requireRow(userId, id));
  }

  async list(userId: string, query: z.infer<typeof ProjectListQuery>) {
    let after: ProjectRow | undefined;
    if (query.cursor) {
      after = await this.store.projects.get(userId, query.cursor);
      if (!after) throw badRequest(`Invalid cursor '${query.cursor}'.`, 'cursor');
    }
    const page = await this.store.projects.list(userId, { limit: query.limit, after });
    const envelope = listEnvelope(page.rows.map(projectFromRow), page.hasMore);
    return { ...envelope, next_cursor: page.hasMore ? envelope.last_id : null };
  }

  async update(userId: string, id: string, body: z.infer<typeof ProjectUpdateBody>): Promise<Project> {
    const row = await this.requireRow(userId, id);
    const now = nowSeconds();
    const archivedAt = body.is_archived === undefined ? undefined : body.is_archived ? (row.archived_at ?? now) : null;
    await this.store.projects.update(userId, id, {
      name: body.name,
      instruction: body.instruction,
      is_favorite: body.is_favorite === undefined ? undefined : body.is_favorite ? 1 : 0,
      archived_at: archivedAt,
      updated_at: now,
    });
    return this.get(userId, id);
  }

  async delete(userId: string, id: string) {
    if (!(await this.store.projects.softDelete(userId, id, nowSeconds()))) throw notFound('project', id, 'project_id');
    return { id, object: 'project.deleted' as const, deleted: true as const };
  }
}
