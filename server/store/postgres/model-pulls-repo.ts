/** PostgreSQL twin of model-pulls-repo.ts: hub downloads, kept across restarts; finished ones pruned. */
import type { ModelPullRow, ModelPullsRepo, ModelPullUpdate } from '../model-pulls-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const COLUMNS = 'id, model, repo, quantization, files, status, bytes_total, bytes_done, error, model_id, created_at, updated_at';
const FINISHED = `status IN ('completed', 'failed', 'cancelled')`;

export class PgModelPullsRepo implements RepoApi<ModelPullsRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  async insert(row: ModelPullRow): Promise<void> {
    await this.sql.run('model_pulls.insert', `INSERT INTO model_pulls (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
      row.id,
      row.model,
      row.repo,
      row.quantization,
      row.files,
      row.status,
      row.bytes_total,
      row.bytes_done,
      row.error,
      row.model_id,
      row.created_at,
      row.updated_at,
    ]);
  }

  async update(id: string, update: ModelPullUpdate): Promise<void> {
    await this.sql.run(
      'model_pulls.update',
      'UPDATE model_pulls SET status = $1, bytes_done = $2, error = $3, model_id = $4, updated_at = $5 WHERE id = $6',
      [update.status, update.bytes_done, update.error, update.model_id, update.updated_at, id],
    );
  }

  async get(id: string): Promise<ModelPullRow | undefined> {
    return this.sql.get('model_pulls.get', `SELECT ${COLUMNS} FROM model_pulls WHERE id = $1`, [id]);
  }

  /** Newest first (ids are COLLATE "C": ties order bytewise, as in SQLite). */
  async list(): Promise<ModelPullRow[]> {
    return this.sql.all('model_pulls.list', `SELECT ${COLUMNS} FROM model_pulls ORDER BY created_at DESC, id DESC`);
  }

  /** Deletes finished pulls last changed before `before`, keeping the newest `keep` finished ones. */
  async prune(before: number, keep: number): Promise<void> {
    await this.sql.run(
      'model_pulls.prune',
      `DELETE FROM model_pulls WHERE ${FINISHED} AND updated_at < $1 AND id NOT IN
         (SELECT id FROM model_pulls WHERE ${FINISHED} ORDER BY updated_at DESC LIMIT $2)`,
      [before, keep],
    );
  }
}
