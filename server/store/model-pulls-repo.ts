import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/** One model download from the hub (migration 011); times in unix seconds, `files` is JSON. */
export interface ModelPullRow {
  id: string;
  model: string;
  repo: string;
  quantization: string | null;
  files: string;
  status: string;
  bytes_total: number;
  bytes_done: number;
  error: string | null;
  model_id: string | null;
  created_at: number;
  updated_at: number;
}

export type ModelPullUpdate = Pick<ModelPullRow, 'status' | 'bytes_done' | 'error' | 'model_id' | 'updated_at'>;

const COLUMNS = 'id, model, repo, quantization, files, status, bytes_total, bytes_done, error, model_id, created_at, updated_at';

/** The model_pulls table: pulls survive restarts; finished ones are kept for the list until pruned. */
export class ModelPullsRepo {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly getStmt;
  private readonly listStmt;
  private readonly pruneStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<ModelPullRow>(
      `INSERT INTO model_pulls (${COLUMNS}) VALUES (@id, @model, @repo, @quantization, @files, @status, @bytes_total, @bytes_done, @error, @model_id, @created_at, @updated_at)`,
    );
    this.updateStmt = db.prepare<ModelPullUpdate & { id: string }>(
      'UPDATE model_pulls SET status = @status, bytes_done = @bytes_done, error = @error, model_id = @model_id, updated_at = @updated_at WHERE id = @id',
    );
    this.getStmt = db.prepare<[string], ModelPullRow>(`SELECT ${COLUMNS} FROM model_pulls WHERE id = ?`);
    this.listStmt = db.prepare<[], ModelPullRow>(`SELECT ${COLUMNS} FROM model_pulls ORDER BY created_at DESC, id DESC`);
    // Finished pulls older than the cut-off, beyond the newest `keep` of them.
    this.pruneStmt = db.prepare<[number, number]>(
      `DELETE FROM model_pulls WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < ? AND id NOT IN
         (SELECT id FROM model_pulls WHERE status IN ('completed', 'failed', 'cancelled') ORDER BY updated_at DESC LIMIT ?)`,
    );
  }

  insert(row: ModelPullRow): void {
    this.timer.run('model_pulls.insert', () => this.insertStmt.run(row));
  }

  update(id: string, update: ModelPullUpdate): void {
    this.timer.run('model_pulls.update', () => this.updateStmt.run({ ...update, id }));
  }

  get(id: string): ModelPullRow | undefined {
    return this.timer.run('model_pulls.get', () => this.getStmt.get(id));
  }

  /** Every pull, newest first (the table stays small: finished ones are pruned). */
  list(): ModelPullRow[] {
    return this.timer.run('model_pulls.list', () => this.listStmt.all());
  }

  /** Deletes finished pulls last changed before `before`, keeping the newest `keep` finished ones. */
  prune(before: number, keep: number): void {
    this.timer.run('model_pulls.prune', () => this.pruneStmt.run(before, keep));
  }
}
